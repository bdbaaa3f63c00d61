/**
 * The CRM's date order (how a day and a month are written in its date strings), kept in the settings
 * table: learned by sync from the CRM's own data (a date with a day above 12), or given once by the
 * user in the deal form. Never guessed: with neither, a deal with a close date is not sent.
 */
import type { ThreadlineDb } from '../../db/threadline-db';
import type { DateOrder } from '../crm/crm-client';

export const CRM_DATE_ORDER_SETTING = 'crmDateOrder';

const isDateOrder = (value: unknown): value is DateOrder => value === 'monthFirst' || value === 'dayFirst';

export async function storedDateOrder(db: ThreadlineDb): Promise<DateOrder | null> {
  const row = await db.settings.get(CRM_DATE_ORDER_SETTING);
  return isDateOrder(row?.value) ? row.value : null;
}

export async function saveDateOrder(db: ThreadlineDb, order: DateOrder): Promise<void> {
  await db.settings.put({ name: CRM_DATE_ORDER_SETTING, value: order });
}
