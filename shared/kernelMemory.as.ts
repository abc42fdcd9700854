/**
 * AssemblyScript shared by the WebAssembly kernels (shared/parsing/shapeKernel,
 * shared/records/jsonScanKernel; compiled into each by `npm run build:kernels`): laying out and
 * growing a kernel's linear memory.
 */

/** `at` rounded up to a multiple of 16 (a SIMD load's width). */
@inline export function align16(at: usize): usize {
  return (at + 15) & ~(<usize>15);
}

/** Grows memory to hold `end` bytes; aborts (an error in JavaScript) when it cannot. */
export function ensure(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end > have && memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) abort();
}
