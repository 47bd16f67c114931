/**
 * SVG documents made to stand alone, prepared to sit inline in one HTML page:
 * the XML prolog and doctype go, and every id (Vega's clip paths, Graphviz's
 * node ids) gets a per-figure prefix, with the references to it, so that two
 * figures never share an id (a shared clip-path id would clip one figure by
 * the other's rectangle).
 */
export function embedSvg(svg: string, prefix: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error(`embedSvg: not an SVG document (no <svg element): ${svg.slice(0, 60)}`);
  let body = svg.slice(start).replace(/<!--[\s\S]*?-->/g, '');
  const ids = new Set<string>();
  for (const m of body.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]!);
  if (ids.size === 0) return body;
  const rename = (id: string) => (ids.has(id) ? `${prefix}-${id}` : id);
  body = body
    .replace(/(\sid=")([^"]+)(")/g, (_m, a: string, id: string, b: string) => `${a}${rename(id)}${b}`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${rename(id)})`)
    .replace(/((?:xlink:)?href=")#([^"]+)(")/g, (_m, a: string, id: string, b: string) => `${a}#${rename(id)}${b}`);
  return body;
}
