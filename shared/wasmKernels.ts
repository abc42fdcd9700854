/**
 * Instances of the WebAssembly kernels (AssemblyScript sources compiled by `npm run build:kernels`
 * into `kernelWasm.generated.ts` modules: shared/parsing/shapeKernel, shared/records/jsonScanKernel;
 * decisions 116, 117). Each instance has its own memory; a module is compiled once per process.
 */

/** What is used of WebAssembly's JavaScript API (the type libraries this project compiles with leave it out). */
interface WasmApi {
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmApi };

const compiled = new Map<string, object>();

/** A new instance of the kernel whose binary is `base64`; `name` says which in the error its `abort` (a failed memory growth) throws. */
export function instantiateKernel<Exports>(base64: string, name: string): Exports {
  let module = compiled.get(base64);
  if (!module) compiled.set(base64, (module = new wasm.Module(Buffer.from(base64, 'base64'))));
  const abort = (): never => {
    throw new Error(`the ${name} kernel could not grow its memory`);
  };
  return new wasm.Instance(module, { env: { abort } }).exports as Exports;
}
