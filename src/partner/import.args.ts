import { IsBoolean, IsEnum, IsString, MinLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { CoordinateSystem } from '../graphql/scalars/coordinate-system.enum';
import { ImportFormat, WriteMode } from '../write/write-report.type';

@ArgsType()
export class ImportArgs {
  @Field(() => ImportFormat)
  @IsEnum(ImportFormat)
  format: ImportFormat;

  @Field({ description: 'The file itself (CSV text or GeoJSON). Inline content is bounded by the request body limit; upload larger files to POST /imports/{service-points|villages}.' })
  @IsString()
  @MinLength(1)
  content: string;

  @Field(() => WriteMode, { defaultValue: WriteMode.ALL_OR_NOTHING })
  @IsEnum(WriteMode)
  mode: WriteMode;

  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: "The system of the file's coordinates." })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem;

  @Field({ defaultValue: false, description: 'Check and count, write nothing.' })
  @IsBoolean()
  dryRun: boolean;
}
