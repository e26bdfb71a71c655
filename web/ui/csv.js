// CSV as logsieve's io module reads and writes it (src/io/csv.{h,cc}):
// RFC 4180, quoted fields with commas, doubled quotes and newlines, a BOM,
// CRLF, blank lines skipped, spaces before an opening quote ignored.

export class CsvError extends Error {}

// Returns an array of rows (arrays of strings); throws CsvError naming the
// line on a malformed row.
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let i = 0, line = 1;
  const n = text.length;
  while (i < n) {
    // Blank line: skipped.
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j >= n) break;
    if (text[j] === '\n' || text[j] === '\r') {
      if (text[j] === '\r' && text[j + 1] === '\n') j++;
      i = j + 1; line++;
      continue;
    }
    const start = line;
    const fields = [];
    for (;;) {
      let k = i;
      while (k < n && text[k] === ' ') k++;
      let field = '';
      if (text[k] === '"') {
        k++;
        for (;;) {
          const q = text.indexOf('"', k);
          if (q < 0) throw new CsvError(`line ${start}: a quote that never closes`);
          field += text.slice(k, q);
          for (let c = k; c < q; c++) if (text[c] === '\n') line++;
          if (text[q + 1] === '"') { field += '"'; k = q + 2; continue; }
          k = q + 1;
          break;
        }
        while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
        if (k < n && text[k] !== ',' && text[k] !== '\n' && text[k] !== '\r') {
          throw new CsvError(`line ${start}: a character after a closing quote`);
        }
      } else {
        let e = i;
        while (e < n && text[e] !== ',' && text[e] !== '\n' && text[e] !== '\r') e++;
        field = text.slice(i, e);
        k = e;
      }
      fields.push(field);
      if (k < n && text[k] === ',') { i = k + 1; continue; }
      if (text[k] === '\r' && text[k + 1] === '\n') k++;
      i = k + 1; line++;
      break;
    }
    rows.push(fields);
  }
  return rows;
}

// One field as AppendCsvField writes it.
export function csvField(s) {
  const quote = /[,"\r\n]/.test(s) || s.startsWith(' ') || s.endsWith(' ') || s.startsWith('\t') ||
                s.startsWith('\ufeff');
  return quote ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(fields) {
  if (fields.length === 1 && fields[0] === '') return '""\n';
  return fields.map(csvField).join(',') + '\n';
}

// The `confidence` column as FormatConfidence writes it: 4 decimals, trailing
// zeros dropped but one.
export function formatConfidence(c) {
  if (c === null || c === undefined) return '';
  let s = c.toFixed(4);
  while (s.length > 3 && s.endsWith('0') && s[s.length - 2] !== '.') s = s.slice(0, -1);
  return s;
}
