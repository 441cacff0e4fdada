import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum WriteMode {
  /** One bad row rejects the whole batch; every bad row is reported. */
  ALL_OR_NOTHING = 'ALL_OR_NOTHING',
  /** The good rows land; the bad ones are reported. */
  VALID_ROWS = 'VALID_ROWS',
}

export enum ImportFormat {
  CSV = 'CSV',
  GEOJSON = 'GEOJSON',
}

registerEnumType(WriteMode, { name: 'WriteMode', description: 'What happens to a batch with bad rows.' });
registerEnumType(ImportFormat, { name: 'ImportFormat', description: 'CSV with a header row (UTF-8), or a GeoJSON FeatureCollection of Points.' });

@ObjectType({ description: 'Why one row of a batch was rejected.' })
export class RowProblem {
  @Field(() => Int, { description: '1-based position of the row in the batch (data rows of a CSV, features of a GeoJSON, items of a mutation list).' })
  index: number;

  @Field(() => Int, { description: 'Where the row is: the CSV line, the line where the GeoJSON feature starts, or the 1-based position in a mutation list.' })
  line: number;

  @Field(() => String, { nullable: true, description: 'The row\'s id or code, when it has one.' })
  key: string | null;

  @Field(() => String, { nullable: true, description: 'The field at fault, e.g. longitude or itemCodes.' })
  field: string | null;

  @Field({ description: 'What is wrong and what would be accepted.' })
  reason: string;
}

@ObjectType({ description: 'What a batch write or import did. Rows are matched by id (service points) or code (villages), so running the same batch again changes nothing.' })
export class WriteReport {
  @Field({ description: 'service_point or village.' })
  entity: string;

  @Field(() => WriteMode)
  mode: WriteMode;

  @Field(() => Int)
  rowsRead: number;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int, { description: 'Valid rows equal to what is stored already.' })
  unchanged: number;

  @Field(() => Int, { description: 'Rows not written: the bad rows, or with ALL_OR_NOTHING and any bad row, every row.' })
  rejected: number;

  @Field(() => [RowProblem], { description: 'Every bad row with its line and reason (all of them, in line order).' })
  problems: RowProblem[];
}

/** A row of a batch: where it came from and its value (already in WGS-84). */
export interface SourceRow<T> {
  /** 1-based position in the batch. */
  readonly index: number;
  readonly line: number;
  readonly value: T;
}

export type FieldProblem = { field: string | null; reason: string };
