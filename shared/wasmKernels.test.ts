import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, generatedModule, KERNELS } from '../images/buildKernels.mjs';

describe('the WebAssembly kernels', () => {
  it('are built from their sources: each committed binary is what `npm run build:kernels` compiles', async () => {
    expect(KERNELS.length).toBe(2);
    for (const kernel of KERNELS) {
      const binary = await compileKernel(kernel.source);
      expect(readFileSync(new URL(`../${kernel.generated}`, import.meta.url), 'utf8'), `${kernel.generated} is stale: run npm run build:kernels`).toBe(
        generatedModule(kernel, binary),
      );
    }
  });
});
