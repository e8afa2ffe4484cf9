/**
 * Google Sheets API v4 (and the one Drive v3 call that deletes a file), the part Agentline uses:
 *
 *   POST   /v4/spreadsheets                                 create {properties: {title}, sheets: [{properties, data: [{rowData}]}]}
 *   GET    /v4/spreadsheets/:id                             metadata
 *   POST   /v4/spreadsheets/:id/values/:range:append        append rows after the last row of the range's sheet
 *   GET    /v4/spreadsheets/:id/values/:range               read a sheet's rows (A1 sheet name or "Sheet!A1:Z")
 *   DELETE /drive/v3/files/:id                              delete the spreadsheet (then 404 everywhere)
 *
 * A spreadsheet belongs to the account that created it; another account gets 403.
 */
import { apiError, randomId, withAccessToken } from "./google-common.mjs";

const SHEETS_SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.file", "https://www.googleapis.com/auth/drive"];

const notFound = () => apiError(404, "Requested entity was not found.", "notFound", "NOT_FOUND");
const forbidden = () => apiError(403, "The caller does not have permission", "forbidden", "PERMISSION_DENIED");

/** @param {import("./google-common.mjs").GoogleState} state */
export function sheetsRoutes(state) {
  function owned(id, account) {
    const sheet = state.spreadsheets[id];
    if (!sheet || sheet.deleted) return { error: notFound() };
    if (sheet.owner !== account.sub) return { error: forbidden() };
    return { sheet };
  }

  function metadata(sheet) {
    return {
      spreadsheetId: sheet.id,
      properties: { title: sheet.title, locale: "en_US", autoRecalc: "ON_CHANGE", timeZone: "Etc/GMT" },
      sheets: sheet.tabs.map((tab, index) => ({
        properties: { sheetId: tab.sheetId, title: tab.title, index, sheetType: "GRID", gridProperties: { rowCount: Math.max(1000, tab.rows.length), columnCount: 26 } },
      })),
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${sheet.id}/edit`,
    };
  }

  function create(req, account) {
    const body = req.body ?? {};
    const id = `1${randomId(21)}`;
    const specs = Array.isArray(body.sheets) && body.sheets.length ? body.sheets : [{}];
    // Initial cells: sheets[].data[].rowData[].values[].userEnteredValue (from row 0, column 0).
    const initialRows = (spec) =>
      (spec?.data?.[0]?.rowData ?? []).map((row) => (row?.values ?? []).map((cell) => {
        const value = cell?.userEnteredValue ?? {};
        return String(value.stringValue ?? value.numberValue ?? value.boolValue ?? value.formulaValue ?? "");
      }));
    state.spreadsheets[id] = {
      id,
      owner: account.sub,
      title: body.properties?.title ?? "Untitled spreadsheet",
      tabs: specs.map((spec, index) => ({ sheetId: index === 0 ? 0 : Number.parseInt(randomId(3), 16), title: spec?.properties?.title ?? `Sheet${index + 1}`, rows: initialRows(spec) })),
      deleted: false,
    };
    return { json: metadata(state.spreadsheets[id]) };
  }

  function get(req, account) {
    const { sheet, error } = owned(req.params[0], account);
    return error ?? { json: metadata(sheet) };
  }

  /** "Calls!A1:G" or "Calls" or "'My sheet'!A:A" → the tab. */
  function tabOf(sheet, range) {
    const name = range.includes("!") ? range.slice(0, range.lastIndexOf("!")) : range;
    const title = name.replace(/^'(.*)'$/, "$1").replace(/''/g, "'");
    return sheet.tabs.find((tab) => tab.title === title) ?? (range.includes("!") ? undefined : sheet.tabs[0]);
  }

  function append(req, account) {
    const { sheet, error } = owned(req.params[0], account);
    if (error) return error;
    const range = req.params[1];
    const tab = tabOf(sheet, range);
    if (!tab) return apiError(400, `Unable to parse range: ${range}`, "badRequest", "INVALID_ARGUMENT");
    if (!["RAW", "USER_ENTERED"].includes(req.query.valueInputOption)) {
      return apiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED", "badRequest", "INVALID_ARGUMENT");
    }
    const values = req.body?.values;
    if (!Array.isArray(values) || !values.every(Array.isArray)) return apiError(400, "Invalid values", "badRequest", "INVALID_ARGUMENT");
    const first = tab.rows.length + 1;
    tab.rows.push(...values.map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : String(cell)))));
    const width = Math.max(1, ...values.map((row) => row.length));
    const lastColumn = String.fromCharCode(64 + Math.min(26, width));
    const quoted = `'${tab.title.replace(/'/g, "''")}'`;
    return {
      json: {
        spreadsheetId: sheet.id,
        tableRange: first > 1 ? `${quoted}!A1:${lastColumn}${first - 1}` : undefined,
        updates: {
          spreadsheetId: sheet.id,
          updatedRange: `${quoted}!A${first}:${lastColumn}${first + values.length - 1}`,
          updatedRows: values.length,
          updatedColumns: width,
          updatedCells: values.reduce((sum, row) => sum + row.length, 0),
        },
      },
    };
  }

  function read(req, account) {
    const { sheet, error } = owned(req.params[0], account);
    if (error) return error;
    const tab = tabOf(sheet, req.params[1]);
    if (!tab) return apiError(400, `Unable to parse range: ${req.params[1]}`, "badRequest", "INVALID_ARGUMENT");
    // "Sheet!H:H" or "Sheet!A1:C9": those columns only; trailing empty cells and rows are left out, as Google does.
    const columns = /!([A-Z]+)\d*:([A-Z]+)\d*$/.exec(req.params[1]);
    const index = (letters) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
    let rows = columns ? tab.rows.map((row) => row.slice(index(columns[1]), index(columns[2]) + 1)) : tab.rows;
    rows = rows.map((row) => { const copy = [...row]; while (copy.length && copy[copy.length - 1] === "") copy.pop(); return copy; });
    while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
    return { json: { range: `'${tab.title}'!${columns ? `${columns[1]}1:${columns[2]}${Math.max(1, rows.length)}` : `A1:Z${Math.max(1, rows.length)}`}`, majorDimension: "ROWS", ...(rows.length ? { values: rows } : {}) } };
  }

  function driveDelete(req, account) {
    const { sheet, error } = owned(req.params[0], account);
    if (error) return apiError(404, `File not found: ${req.params[0]}.`, "notFound", "NOT_FOUND");
    sheet.deleted = true;
    return { status: 204 };
  }

  const authed = (handle) => withAccessToken(state, SHEETS_SCOPES, handle);
  return [
    { method: "POST", path: "/v4/spreadsheets", handle: authed(create) },
    { method: "GET", path: /^\/v4\/spreadsheets\/([^/]+)$/, handle: authed(get) },
    { method: "POST", path: /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+):append$/, handle: authed(append) },
    { method: "GET", path: /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/, handle: authed(read) },
    { method: "DELETE", path: /^\/drive\/v3\/files\/([^/]+)$/, handle: authed(driveDelete) },
  ];
}
