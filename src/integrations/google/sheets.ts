/**
 * Google Sheets v4 through @googleapis/sheets (rootUrl = GOOGLE_API_BASE_URL): create the call
 * log spreadsheet with its header row, append rows, read them back. Failures become
 * GoogleApiError (a deleted spreadsheet is `not_found`).
 */
import type { sheets_v4 } from "@googleapis/sheets";
import { z } from "zod";
import { bearer, type GoogleApiAccess, requestOptions } from "./calendar";
import { googleCall } from "./errors";
import { googleLibraries } from "./libraries";

async function client(access: GoogleApiAccess): Promise<sheets_v4.Sheets> {
  return (await googleLibraries()).sheets({ version: "v4", auth: await bearer(access), ...(access.apiBaseUrl ? { rootUrl: access.apiBaseUrl } : {}) });
}

const quoteSheet = (title: string) => `'${title.replace(/'/g, "''")}'`;

/** A new spreadsheet whose one sheet starts with the `header` row, in one request (no half-made sheet). */
export async function createSpreadsheet(access: GoogleApiAccess, title: string, sheetTitle: string, header: string[]) {
  const created = await googleCall(async () =>
    (await client(access)).spreadsheets.create(
      {
        requestBody: {
          properties: { title },
          sheets: [
            {
              properties: { title: sheetTitle, gridProperties: { frozenRowCount: 1 } },
              data: [{ startRow: 0, startColumn: 0, rowData: [{ values: header.map((text) => ({ userEnteredValue: { stringValue: text } })) }] }],
            },
          ],
        },
      },
      requestOptions(access),
    ),
    access,
  );
  const { spreadsheetId, spreadsheetUrl } = z.object({ spreadsheetId: z.string(), spreadsheetUrl: z.string().optional().nullable() }).parse(created.data);
  return { spreadsheetId, spreadsheetUrl: spreadsheetUrl ?? spreadsheetUrlOf(spreadsheetId) };
}

export const spreadsheetUrlOf = (spreadsheetId: string) => `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`;

/** Appends rows below the sheet's last row; values are taken as typed (RAW), never as formulas. */
export async function appendRows(access: GoogleApiAccess, spreadsheetId: string, sheetTitle: string, rows: (string | number)[][]) {
  const response = await googleCall(async () =>
    (await client(access)).spreadsheets.values.append(
      {
        spreadsheetId,
        range: `${quoteSheet(sheetTitle)}!A1`,
        valueInputOption: "RAW",
        insertDataOption: "INSERT_ROWS",
        requestBody: { values: rows },
      },
      requestOptions(access),
    ),
    access,
  );
  return z.object({ updates: z.object({ updatedRange: z.string().optional().nullable() }).optional().nullable() }).parse(response.data);
}

/** Rows of "Sheet" or of "Sheet!A:C" (the sheet name is quoted for you). */
export async function readRows(access: GoogleApiAccess, spreadsheetId: string, range: string): Promise<string[][]> {
  const [sheet, cells] = range.split("!");
  const a1 = `${quoteSheet(sheet ?? range)}${cells ? `!${cells}` : ""}`;
  const response = await googleCall(async () => (await client(access)).spreadsheets.values.get({ spreadsheetId, range: a1 }, requestOptions(access)), access);
  return z.object({ values: z.array(z.array(z.string())).optional().nullable() }).parse(response.data).values ?? [];
}
