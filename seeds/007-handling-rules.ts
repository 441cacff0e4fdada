import type { EntityManager } from 'typeorm';
import type { SeedDataset } from './dataset';

/**
 * $1 area, $2 item, $3 turnaround, $4 channels (JSON text or NULL), $5 note. Inserted with author 'seed', or the row set
 * to the dataset's rule (left alone, so no change is logged, when it already is).
 */
const UPSERT_HANDLING_RULE = /* sql */ `
  INSERT INTO handling_rule AS r (area_code, item_code, assisted_turnaround_working_days, online_channels, note, author_key_id, author_name)
  VALUES ($1, $2, $3, $4::jsonb, $5, NULL, 'seed')
  ON CONFLICT (area_code, item_code) DO UPDATE SET assisted_turnaround_working_days = EXCLUDED.assisted_turnaround_working_days,
    online_channels = EXCLUDED.online_channels, note = EXCLUDED.note, author_key_id = NULL, author_name = 'seed', updated_at = now()
  WHERE r.assisted_turnaround_working_days IS DISTINCT FROM EXCLUDED.assisted_turnaround_working_days
    OR r.online_channels IS DISTINCT FROM EXCLUDED.online_channels OR r.note IS DISTINCT FROM EXCLUDED.note`;

/** The dataset's handling rules (`handlingRules`), in the seeding transaction; returns how many it defines. */
export async function seedHandlingRules(manager: EntityManager, dataset: SeedDataset): Promise<number> {
  for (const r of dataset.handlingRules ?? []) {
    await manager.query(UPSERT_HANDLING_RULE, [r.areaCode, r.itemCode, r.assistedTurnaroundWorkingDays, r.onlineChannels === null ? null : JSON.stringify(r.onlineChannels), r.note]);
  }
  return dataset.handlingRules?.length ?? 0;
}
