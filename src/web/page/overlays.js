// Draws a camera's masks and zones (api/status: camera.masks, camera.zones, in normalised frame
// coordinates) as translucent polygons on an SVG laid over its picture, and its counting lines
// (camera.lines) as lines with a tick towards the side an `in` crossing arrives on. The SVG's
// viewBox is the unit square stretched over the picture, so the config's numbers are the points as
// they are; text would be stretched with it, so a line's name and totals go in the legend.

const SVG = 'http://www.w3.org/2000/svg';

/** What each kind of polygon is called in the legend and the tooltip; its colours are in live-view.css. */
const KINDS = {
  detections: 'detection mask',
  motion: 'motion mask',
  zone: 'zone',
};

/** Length of a counting line's tick, in the unit square. */
const TICK = 0.035;

/** A counting line's legend text: its name and the totals of the directions it counts. */
function lineText({ name, direction, counts }) {
  const parts = [];
  if (direction !== 'out') parts.push(`in ${counts.in}`);
  if (direction !== 'in') parts.push(`out ${counts.out}`);
  return `${name}: ${parts.join(' · ')}`;
}

/**
 * A counting line and its tick: from its middle towards the right of from -> to (as seen in the
 * picture, y down), the side an object that crosses `in` ends up on.
 */
function lineShapes(line) {
  const [ax, ay] = line.from;
  const [bx, by] = line.to;
  const length = Math.hypot(bx - ax, by - ay) || 1;
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  const tick = [mx, my, mx - ((by - ay) / length) * TICK, my + ((bx - ax) / length) * TICK];
  const title = `line ${lineText(line)}`;
  return [svgLine('line', [ax, ay, bx, by], line.name, title), svgLine('line-tick', tick, line.name, title)];
}

function svgLine(className, [x1, y1, x2, y2], name, text) {
  const shape = document.createElementNS(SVG, 'line');
  shape.setAttribute('class', className);
  shape.setAttribute('data-line', name);
  for (const [key, value] of Object.entries({ x1, y1, x2, y2 })) shape.setAttribute(key, String(value));
  const title = document.createElementNS(SVG, 'title');
  title.textContent = text;
  shape.append(title);
  return shape;
}

/**
 * Redraws `svg`'s polygons and lines when the camera's masks, zones, lines or line totals
 * changed, and lists in `legend` the kinds shown and each line with its totals.
 * @example drawOverlays(svg, legend, { masks: { detections: [[[0, 0], [1, 0], [1, 1]]], motion: [] }, zones: [] })
 */
export function drawOverlays(svg, legend, camera) {
  const masks = camera.masks ?? {};
  const shapes = [
    ...Object.entries(masks).flatMap(([kind, polygons]) =>
      polygons.map((polygon) => ({ kind, name: KINDS[kind] ?? `${kind} mask`, polygon })),
    ),
    ...(camera.zones ?? []).map((zone) => ({
      kind: 'zone',
      name: `zone ${zone.name}`,
      polygon: zone.polygon,
    })),
  ];
  const lines = camera.lines ?? [];
  const key = JSON.stringify([shapes, lines]);
  if (svg.dataset.key === key) return;
  svg.dataset.key = key;
  svg.replaceChildren(
    ...lines.flatMap(lineShapes),
    ...shapes.map(({ kind, name, polygon }) => {
      const shape = document.createElementNS(SVG, 'polygon');
      shape.setAttribute('class', kind === 'zone' ? 'zone' : `mask ${kind}`);
      shape.setAttribute('data-kind', kind);
      shape.setAttribute('points', polygon.map(([x, y]) => `${x},${y}`).join(' '));
      const title = document.createElementNS(SVG, 'title');
      title.textContent = name;
      shape.append(title);
      return shape;
    }),
  );
  const kinds = [...new Set(shapes.map((s) => s.kind))];
  legend.replaceChildren(
    ...kinds.map((kind) => {
      const item = document.createElement('span');
      item.className = `legend ${kind === 'zone' ? 'zone' : `mask ${kind}`}`;
      item.textContent = KINDS[kind] ?? `${kind} mask`;
      return item;
    }),
    ...lines.map((line) => {
      const item = document.createElement('span');
      item.className = 'legend line';
      item.dataset.line = line.name;
      item.textContent = lineText(line);
      return item;
    }),
  );
}
