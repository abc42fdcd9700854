/** The installed PGlite's version: the template's file name carries it. */
export const pgliteVersion: string;
/** `pglite-datadir-<version>.tar.gz`. */
export const templateName: string;
/** Runs initdb once (in memory) and writes its data directory as `pglite-datadir-<version>.tar.gz` into `outDir`; returns the file. */
export function writeTemplate(outDir: URL): Promise<string>;
