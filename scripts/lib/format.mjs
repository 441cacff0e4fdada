// Compact, diff-friendly JSON: one record per line, boundary rings one per line.
export function formatDoc(doc) {
  const lines = ['{'];
  const keys = Object.keys(doc);
  keys.forEach((k, ki) => {
    const comma = ki < keys.length - 1 ? ',' : '';
    const v = doc[k];
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
      lines.push(`  ${JSON.stringify(k)}: [`);
      v.forEach((rec, i) => {
        const c2 = i < v.length - 1 ? ',' : '';
        if (rec.boundary) {
          const { boundary, ...rest } = rec;
          const head = JSON.stringify(rest).slice(0, -1);
          const polys = boundary.coordinates.map((poly) => '      [\n' + poly.map((ring) => `        ${JSON.stringify(ring)}`).join(',\n') + '\n      ]');
          lines.push(`    ${head},"boundary":{"type":"MultiPolygon","coordinates":[\n${polys.join(',\n')}\n    ]}}${c2}`);
        } else lines.push(`    ${JSON.stringify(rec)}${c2}`);
      });
      lines.push(`  ]${comma}`);
    } else if (Array.isArray(v)) {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}
