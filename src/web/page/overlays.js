// Draws a camera's masks and zones (api/status: camera.masks, camera.zones, in normalised frame
// coordinates) as translucent polygons on an SVG laid over its picture. The SVG's viewBox is the
// unit square stretched over the picture, so the config's numbers are the points as they are.

const SVG = 'http://www.w3.org/2000/svg';

/** What each kind of polygon is called in the legend and the tooltip; its colours are in live-view.css. */
const KINDS = {
  detections: 'detection mask',
  motion: 'motion mask',
  zone: 'zone',
};

/**
 * Redraws `svg`'s polygons when the camera's masks or zones changed (a reload), and lists the
 * kinds shown in `legend`.
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
  const key = JSON.stringify(shapes);
  if (svg.dataset.key === key) return;
  svg.dataset.key = key;
  svg.replaceChildren(
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
  );
}
