/** A WebAssembly kernel: its AssemblyScript source and the generated module holding its binary (paths from the repository's root). */
export interface Kernel {
  readonly source: string;
  readonly generated: string;
  readonly name: string;
}
export const KERNELS: readonly Kernel[];
/** The binary compiled from `source`. */
export function compileKernel(source: string): Promise<Buffer>;
/** The generated module's text for `binary`. */
export function generatedModule(kernel: Kernel, binary: Buffer): string;
