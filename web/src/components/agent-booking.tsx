/**
 * The agent editor's booking cards: when the business is open (breaks and closures included),
 * the booking rules, and what can be booked with whom (services and staff). State lives in the
 * agent form, so Save, Discard and the unsaved-changes guard cover these too.
 */
import type { Agent, Hours } from "../lib/agent-types";
import type { Catalog } from "../lib/booking-form";
import { timezones } from "../lib/format";
import { HoursEditor } from "./agent-fields";
import { ClosuresEditor, ServicesEditor, StaffEditor } from "./booking-fields";
import { Card, Field, Select } from "./ui";

/** The booking settings the form edits besides the catalogue; every day present. */
export type BookingSettings = Omit<Agent["booking"], "services" | "staff" | "closures" | "businessHours"> & { businessHours: Hours };

export const BOOKING_NUMBERS = [
  ["appointmentMinutes", "Appointment length (minutes)", 5, 480],
  ["bufferMinutes", "Gap between appointments (minutes)", 0, 240],
  ["minNoticeMinutes", "Minimum notice (minutes)", 0, 20160],
  ["horizonDays", "Book up to (days ahead)", 1, 365],
] as const;

type Props = {
  booking: BookingSettings;
  catalog: Catalog;
  setBooking: (patch: Partial<BookingSettings>) => void;
  setCatalog: (patch: Partial<Catalog>) => void;
  problems: Record<string, string>;
};

export function BookingCard({ booking, catalog, setBooking, setCatalog, problems }: Props) {
  return (
    <>
      <Card title="Hours and booking">
        <div className="space-y-6">
          <label className="flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={booking.enabled} onChange={(e) => setBooking({ enabled: e.target.checked })} />
            Callers can book appointments in my Google Calendar
          </label>
          <div className="grid gap-4 sm:grid-cols-2">
            {BOOKING_NUMBERS.map(([key, label, min, max]) => (
              <Field
                key={key}
                label={label}
                type="number"
                inputMode="numeric"
                min={min}
                max={max}
                value={Number.isNaN(booking[key]) ? "" : String(booking[key])}
                onChange={(e) => setBooking({ [key]: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
                error={problems[`booking.${key}`]}
                hint={key === "appointmentMinutes" && catalog.services.length ? "Also how often a start time is offered; each service books its own length." : undefined}
              />
            ))}
            <Select label="Timezone of these hours" value={booking.timezone} onChange={(e) => setBooking({ timezone: e.target.value })} error={problems["booking.timezone"]}>
              {timezones(booking.timezone).map((zone) => (
                <option key={zone}>{zone}</option>
              ))}
            </Select>
          </div>
          <HoursEditor value={booking.businessHours} onChange={(businessHours) => setBooking({ businessHours })} problems={problems} />
          <ClosuresEditor value={catalog.closures} onChange={(closures) => setCatalog({ closures })} problems={problems} />
        </div>
      </Card>
      <Card title="Services and staff">
        <div className="space-y-8">
          <ServicesEditor value={catalog.services} staff={catalog.staff} onChange={(services) => setCatalog({ services })} problems={problems} />
          <StaffEditor value={catalog.staff} businessHours={booking.businessHours} onChange={(staff) => setCatalog({ staff })} problems={problems} />
        </div>
      </Card>
    </>
  );
}
