/** The report's one stylesheet, inline: system fonts, readable widths, print-friendly. */
export const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 8px; }
.source { color: #666; margin: 0 0 12px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
table { border-collapse: collapse; font-size: 14px; }
.facts th { text-align: left; padding: 3px 16px 3px 0; color: #555; font-weight: normal; vertical-align: top; }
.facts td { padding: 3px 0; }
.policy th { text-align: left; padding: 2px 12px 2px 0; font-weight: normal; }
.policy td.num { text-align: right; padding-right: 10px; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 10px; background: #4c78a8; vertical-align: middle; }
figure { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; margin: 18px 0; padding: 8px 16px 14px; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 13px; margin-top: 6px; }
.note { color: #8a5a00; font-size: 14px; }
footer { color: #888; font-size: 12px; padding-bottom: 24px; }
`;
