/**
 * A road import refused before anything was written: `FILE` when the input file is at fault (not PBF nor GeoJSON,
 * truncated, no roads, outside China), `ARGUMENT` when the command's arguments are (unknown area, no area given
 * and none found). The command line turns them into exit codes 2 and 64.
 */
export class RoadImportError extends Error {
  constructor(
    readonly kind: 'FILE' | 'ARGUMENT',
    message: string,
  ) {
    super(message);
    this.name = 'RoadImportError';
  }
}
