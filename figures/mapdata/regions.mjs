// Builds core/regions.json, the map of the NUTS 2024 level-2 regions the portal draws on the
// server, from Eurostat/GISCO's TopoJSON (Nuts2json, 1:60 million, already projected in
// ETRS89-LAEA, EPSG:3035), whose path comes as the first argument.
//
// It simplifies the shared arcs (so neighbours keep a common border), quantises the
// coordinates to whole units of a WIDTH-wide frame, and writes each region's outline as a
// relative SVG path with its bounding box (a country's view zooms to the union of its
// regions'). Two regions are neighbours when they share a boundary arc, computed here from the
// topology so that the portal never needs it. The output depends only on the input file and
// the pinned packages, so it can be rebuilt exactly.

import { readFileSync } from "node:fs";
import { feature, merge, neighbors } from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";

const [input] = process.argv.slice(2);
const topology = JSON.parse(readFileSync(input, "utf8"));

const WIDTH = 1000;
// Points whose triangle with their neighbours is smaller than this many square metres are
// dropped: about a quarter of a square unit of the frame (one unit is some 6 km). The source is
// already generalised for 1:60 million, so this mostly removes what rounding to whole units
// would blur anyway; the file stays near 50 kB.
const SIMPLIFY_SQUARE_METRES = 1e7;

const [x0, y0, x1, y1] = topology.bbox;
const scale = WIDTH / (x1 - x0);
const height = Math.ceil((y1 - y0) * scale);
// Northing grows upwards, SVG's y downwards.
const project = ([x, y]) => [Math.round((x - x0) * scale), Math.round((y1 - y) * scale)];

const regions = topology.objects.nutsrg.geometries;
const codes = regions.map((geometry) => geometry.properties.id);
const neighbours = {};
neighbors(regions).forEach((indexes, i) => {
  neighbours[codes[i]] = indexes.map((j) => codes[j]).sort();
});

const simplified = simplify(presimplify(topology), SIMPLIFY_SQUARE_METRES);

function rings(geometry) {
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

// One ring as "M x,y" then relative moves, repeated points and straight runs left out.
function ringPath(ring) {
  const points = ring.map(project).filter(
    (point, i, all) => i === 0 || point[0] !== all[i - 1][0] || point[1] !== all[i - 1][1],
  );
  if (points.length < 4) return "";
  let d = `M${points[0][0]},${points[0][1]}l`;
  for (let i = 1; i < points.length - 1; i++) {
    const dx = points[i][0] - points[i - 1][0];
    const dy = points[i][1] - points[i - 1][1];
    d += `${i > 1 && dx >= 0 ? " " : ""}${dx}${dy >= 0 ? "," : ""}${dy}`;
  }
  return `${d}z`;
}

function bbox(geometry) {
  const points = rings(geometry).flat().map(project);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

// Below this size (in units, either side) a region also gets a round marker, so that Melilla,
// Ceuta or Malta can be seen, pointed at and focused.
const MARKER_SIZE = 4;
const MARKER_RADIUS = 4;

const shapes = {};
for (const geometry of simplified.objects.nutsrg.geometries) {
  const shape = feature(simplified, geometry).geometry;
  let d = rings(shape).map(ringPath).join("");
  const box = bbox(shape);
  const small = box[2] - box[0] < MARKER_SIZE && box[3] - box[1] < MARKER_SIZE;
  const centre = [Math.round((box[0] + box[2]) / 2), Math.round((box[1] + box[3]) / 2)];
  shapes[geometry.properties.id] = {
    d,
    bbox: box,
    marker: small ? { x: centre[0], y: centre[1], r: MARKER_RADIUS } : null,
  };
}

// Countries outside NUTS, drawn as land for context (the United Kingdom, Ukraine, North
// Africa): every country polygon whose code no region starts with.
const nutsCountries = new Set(codes.map((code) => code.slice(0, 2)));
const others = simplified.objects.cntrg.geometries.filter((g) => !nutsCountries.has(g.properties.id));
const land = rings(merge(simplified, others)).map(ringPath).join("");

const output = {
  source: "Eurostat/GISCO, NUTS 2024 level 2, 1:60 million (Nuts2json), EPSG:3035",
  attribution: "© EuroGeographics for the administrative boundaries",
  width: WIDTH,
  height,
  land,
  regions: Object.fromEntries(Object.keys(shapes).sort().map((code) => [code, shapes[code]])),
  neighbours: Object.fromEntries(Object.keys(neighbours).sort().map((code) => [code, neighbours[code]])),
};
process.stdout.write(`${JSON.stringify(output)}\n`);
