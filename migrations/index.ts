import { InitialSchema1764100000000 } from './1764100000000-InitialSchema';
import { DataVersion1764200000000 } from './1764200000000-DataVersion';
import { ApiKeysAndAudit1764300000000 } from './1764300000000-ApiKeysAndAudit';
import { ChangeLog1764400000000 } from './1764400000000-ChangeLog';
import { Scenarios1764500000000 } from './1764500000000-Scenarios';
import { RoadNetworks1764600000000 } from './1764600000000-RoadNetworks';
import { PlanningAreas1764700000000 } from './1764700000000-PlanningAreas';
import { WaysOfHandling1764800000000 } from './1764800000000-WaysOfHandling';

/** Every migration in order; listed explicitly so the compiled server and the tests load the same set. */
export const migrations = [InitialSchema1764100000000, DataVersion1764200000000, ApiKeysAndAudit1764300000000, ChangeLog1764400000000, Scenarios1764500000000, RoadNetworks1764600000000, PlanningAreas1764700000000, WaysOfHandling1764800000000];
