// Builds core/europe.json, the map of Europe the portal draws on the server.
//
// Reads Natural Earth's 1:50m countries (world-atlas), projects them for Europe, simplifies
// them for the web and writes one SVG path per country, keyed by ISO 3166-1 alpha-2. Natural
// Earth keys countries by numeric ISO code; the numeric-to-alpha-2 table comes on stdin
// (scripts/build-map takes it from django-countries, the portal's own list of countries).
// The output depends only on the pinned packages and that table, so it can be rebuilt exactly.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoAzimuthalEqualArea, geoCentroid, geoPath } from "d3-geo";
import { feature, merge } from "topojson-client";
import { presimplify, simplify, sphericalTriangleArea } from "topojson-simplify";

const require = createRequire(import.meta.url);
const topology = require("world-atlas/countries-50m.json");

// Countries the map names and links: the EU, the EEA, Switzerland, the United Kingdom, the
// candidate countries and the other neighbours. Any other land in the frame is background.
const EUROPE = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
  "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
  "IS", "LI", "NO", "CH", "GB",
  "AL", "BA", "GE", "MD", "ME", "MK", "RS", "TR", "UA",
  "AD", "MC", "SM", "VA", "BY", "RU", "AM", "AZ",
];
// The Republic of Cyprus is, for the EU, the whole island; Natural Earth draws the north apart
// and without a code.
const PART_OF = { "N. Cyprus": "CY" };

const WIDTH = 800;
const MARGIN = 4;
// Points the frame must show: Iceland's west coast, Portugal's south, Malta, Crete, Cyprus,
// the North Cape and the Caucasus.
const FRAME = {
  type: "MultiPoint",
  coordinates: [
    [-24.5, 63.5], [-9.5, 36.8], [14.5, 35.6], [24.5, 34.8], [34.6, 34.5], [31, 71.2],
    [45, 40.5], [-10, 52],
  ],
};
// Below this many square pixels a country also gets a round marker, so that Malta,
// Luxembourg and the microstates can be seen and clicked.
const MARKER_AREA = 40;
const MARKER_RADIUS = 4.5;
// Points whose triangle with their neighbours is smaller than this (in steradians) are
// dropped: about 5 px² at this scale, which keeps the file under 40 kB.
const SIMPLIFY_STERADIANS = 4e-6;
// Islands and exclaves smaller than this are dropped, except a country's largest piece.
const MIN_PIECE_AREA = 3;

const numericToAlpha2 = JSON.parse(readFileSync(0, "utf8"));

const simplified = simplify(presimplify(topology, sphericalTriangleArea), SIMPLIFY_STERADIANS);
const geometries = simplified.objects.countries.geometries;

const byCode = new Map();
const background = [];
for (const geometry of geometries) {
  const code = numericToAlpha2[geometry.id] ?? PART_OF[geometry.properties.name];
  if (code && EUROPE.includes(code)) {
    if (!byCode.has(code)) byCode.set(code, []);
    byCode.get(code).push(geometry);
  } else {
    background.push(geometry);
  }
}
const missing = EUROPE.filter((code) => !byCode.has(code));
if (missing.length) throw new Error(`No boundaries for ${missing.join(", ")}`);

const projection = geoAzimuthalEqualArea().rotate([-10, -52]);
projection.fitWidth(WIDTH - 2 * MARGIN, FRAME);
const [[, top], [, bottom]] = geoPath(projection).bounds(FRAME);
const height = Math.ceil(bottom - top + 2 * MARGIN);
projection.translate([projection.translate()[0] + MARGIN, projection.translate()[1] - top + MARGIN]);
projection.clipExtent([[0, 0], [WIDTH, height]]);
const path = geoPath(projection).digits(1);

function polygons(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

function pieces(topo, parts) {
  const merged = parts.length > 1 ? merge(topo, parts) : feature(topo, parts[0]).geometry;
  return polygons(merged)
    .map((coordinates) => ({ type: "Polygon", coordinates }))
    .map((polygon) => ({ polygon, area: path.area(polygon) }))
    .filter(({ area }) => area > 0)
    .sort((a, b) => b.area - a.area);
}

function countryShape(code) {
  const ids = new Set(byCode.get(code).map((geometry) => geometry.id));
  const original = topology.objects.countries.geometries.filter((g) => ids.has(g.id));
  // Simplifying can leave nothing of the smallest countries; they keep their full outline.
  let found = pieces(simplified, byCode.get(code));
  if (!found.length) found = pieces(topology, original);
  const kept = found.filter(({ area }, i) => i === 0 || area >= MIN_PIECE_AREA);
  const area = kept.reduce((sum, { area }) => sum + area, 0);
  // The Vatican and Monaco are below d3's precision at this scale: a marker alone shows them.
  const [x, y] = kept.length
    ? path.centroid(kept[0].polygon)
    : projection(geoCentroid(feature(topology, { type: "GeometryCollection", geometries: original })));
  const shape = { type: "MultiPolygon", coordinates: kept.map(({ polygon }) => polygon.coordinates) };
  const round = (n) => Math.round(n * 10) / 10;
  return {
    d: kept.length ? path(shape) : "",
    marker: area < MARKER_AREA ? { x: round(x), y: round(y), r: MARKER_RADIUS } : null,
  };
}

const countries = {};
for (const code of [...byCode.keys()].sort()) countries[code] = countryShape(code);

const output = {
  source: "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas 2.0.2",
  projection: "Lambert azimuthal equal-area centred on 52°N 10°E (as ETRS89-LAEA, EPSG:3035)",
  width: WIDTH,
  height,
  land: path(merge(simplified, background)) ?? "",
  countries,
};
process.stdout.write(`${JSON.stringify(output, null, 1)}\n`);
