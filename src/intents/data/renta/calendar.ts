/**
 * The tax-campaign calendar (`config/renta/calendar.yaml`): schema, loading and validation.
 */
import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { HubError } from '../../../core/errors.js';
import { compareDates, parseLocalDate, type LocalDate } from '../time.js';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Window = Type.Object({ start: IsoDate, end: IsoDate }, { additionalProperties: false });
const AppointmentWindow = Type.Object(
  { requestsFrom: IsoDate, requestsUntil: IsoDate, serviceFrom: IsoDate, serviceUntil: IsoDate },
  { additionalProperties: false },
);

export const RentaCalendarSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1 }),
    officialUrl: Type.String({ pattern: '^https://' }),
    appointmentPhones: Type.Object({
      automatic: Type.Array(Type.String()),
      personal: Type.Array(Type.String()),
    }),
    campaigns: Type.Array(
      Type.Object(
        {
          taxYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
          legalBasis: Type.Optional(Type.String()),
          onlineFiling: Window,
          directDebitEnd: IsoDate,
          phoneAppointments: AppointmentWindow,
          inPersonAppointments: AppointmentWindow,
          sources: Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type RentaCalendarFile = Static<typeof RentaCalendarSchema>;

export interface DateWindow {
  readonly start: LocalDate;
  readonly end: LocalDate;
}

/** One campaign with its dates parsed (local dates in the calendar's zone, both ends inclusive). */
export interface RentaCampaign {
  readonly taxYear: number;
  readonly onlineFiling: DateWindow;
  readonly directDebitEnd: LocalDate;
  readonly phoneRequests: DateWindow;
  readonly phoneService: DateWindow;
  readonly inPersonRequests: DateWindow;
  readonly inPersonService: DateWindow;
}

export interface RentaCalendar {
  readonly timezone: string;
  readonly officialUrl: string;
  readonly phones: { readonly automatic: readonly string[]; readonly personal: readonly string[] };
  /** Sorted by filing start, oldest first. */
  readonly campaigns: readonly RentaCampaign[];
}

function configError(file: string, message: string): HubError {
  return new HubError('HUB_ERR_CONFIG', `${file}: ${message}`, { details: { file } });
}

/**
 * Validates a parsed calendar document.
 * @throws HubError `HUB_ERR_CONFIG` naming `file`, the field and what is wrong.
 */
export function parseRentaCalendar(document: unknown, file: string): RentaCalendar {
  if (!Value.Check(RentaCalendarSchema, document)) {
    const first = Value.Errors(RentaCalendarSchema, document).First();
    const where = first === undefined ? '' : ` at ${first.path || '/'}`;
    throw configError(file, `invalid tax calendar${where}: ${first?.message ?? 'unknown error'} (see the comments at the top of the file)`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: document.timezone });
  } catch {
    throw configError(file, `timezone "${document.timezone}" is not an IANA time zone such as Europe/Madrid`);
  }
  const date = (value: string, field: string): LocalDate => {
    const parsed = parseLocalDate(value);
    if (parsed === undefined) throw configError(file, `${field} "${value}" is not a real date (YYYY-MM-DD)`);
    return parsed;
  };
  const window = (start: string, end: string, field: string): DateWindow => {
    const result = { start: date(start, `${field} start`), end: date(end, `${field} end`) };
    if (compareDates(result.start, result.end) > 0) throw configError(file, `${field} ends before it starts`);
    return result;
  };
  const campaigns = document.campaigns.map((campaign) => {
    const field = `campaigns[taxYear=${campaign.taxYear}]`;
    const phone = campaign.phoneAppointments;
    const inPerson = campaign.inPersonAppointments;
    return {
      taxYear: campaign.taxYear,
      onlineFiling: window(campaign.onlineFiling.start, campaign.onlineFiling.end, `${field}.onlineFiling`),
      directDebitEnd: date(campaign.directDebitEnd, `${field}.directDebitEnd`),
      phoneRequests: window(phone.requestsFrom, phone.requestsUntil, `${field}.phoneAppointments requests`),
      phoneService: window(phone.serviceFrom, phone.serviceUntil, `${field}.phoneAppointments service`),
      inPersonRequests: window(inPerson.requestsFrom, inPerson.requestsUntil, `${field}.inPersonAppointments requests`),
      inPersonService: window(inPerson.serviceFrom, inPerson.serviceUntil, `${field}.inPersonAppointments service`),
    };
  });
  campaigns.sort((a, b) => compareDates(a.onlineFiling.start, b.onlineFiling.start));
  return {
    timezone: document.timezone,
    officialUrl: document.officialUrl,
    phones: document.appointmentPhones,
    campaigns,
  };
}

/**
 * Reads and validates the calendar file.
 * @throws HubError `HUB_ERR_CONFIG` when the file is missing, is not YAML or does not validate.
 */
export async function loadRentaCalendar(file: string): Promise<RentaCalendar> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `${file}: cannot read the tax calendar (${(error as Error).message})`, { cause: error });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `${file}: YAML error: ${(error as Error).message}`, { cause: error });
  }
  return parseRentaCalendar(document, file);
}
