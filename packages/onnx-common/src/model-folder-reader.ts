/**
 * How a runtime reads a model folder: the one thing each runtime supplies to the shared
 * loading path (`resolveModelFolder` in `@sjd/onnx-common`, the model families). Node reads a directory,
 * the browser fetches from a URL on the page's origin.
 */
export interface ModelFolderReader {
  /** The folder: an absolute path (Node) or a URL ending in `/` (browser). */
  readonly location: string;
  /**
   * Where the file `name` (relative to the folder, `/`-separated) lies: a path or URL, for
   * sessions and error messages; `undefined` when the name leads outside the folder.
   */
  locate(name: string): string | undefined;
  /**
   * The file's text; `undefined` when the folder has no such file. Other faults (a failed
   * request, an unreadable file) throw a `ModelLoadError` naming the file.
   */
  readText(name: string): Promise<string | undefined>;
  /**
   * Whether the file exists. Optional: a runtime that cannot ask cheaply (HTTP) leaves it
   * out, and a missing file is reported when it is read.
   */
  exists?(name: string): Promise<boolean>;
}
