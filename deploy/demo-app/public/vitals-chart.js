// Vital signs as small inline SVG line charts, drawn with DOM calls only (no innerHTML, no inline styles), so the
// page keeps its strict Content-Security-Policy and no value from the server is ever parsed as markup.
const SVG = "http://www.w3.org/2000/svg";
const LOINC = "http://loinc.org";

/**
 * What is charted, one line per LOINC code. Blood pressure comes either as the 85354-9 panel with systolic and
 * diastolic components (as US Core and Synthea write it) or as the two observations on their own: both are read.
 */
export const VITALS = [
  { key: "weight", label: "Body weight", lines: [{ name: "weight", code: "29463-7" }] },
  { key: "heart-rate", label: "Heart rate", lines: [{ name: "heart rate", code: "8867-4" }] },
  {
    key: "blood-pressure", label: "Blood pressure",
    lines: [{ name: "systolic", code: "8480-6" }, { name: "diastolic", code: "8462-4" }],
  },
];

const WIDTH = 260;
const HEIGHT = 90;
const PAD = { left: 34, right: 8, top: 8, bottom: 20 };

function hasLoinc(concept, code) {
  return (concept?.coding || []).some((coding) => coding.system === LOINC && coding.code === code);
}

function when(observation) {
  return observation.effectiveDateTime || observation.effectivePeriod?.start || observation.issued || "";
}

/** The quantity an observation holds for a LOINC code: its value, or one of its components' values. */
function quantityFor(observation, code) {
  if (hasLoinc(observation.code, code)) return observation.valueQuantity;
  return observation.component?.find((component) => hasLoinc(component.code, code))?.valueQuantity;
}

/** The points of each line of a vital sign, oldest first: [{ date, value, unit }]; lines without points left out. */
export function series(observations, vital) {
  const dated = observations.filter(when).sort((a, b) => when(a).localeCompare(when(b)));
  return vital.lines.map((line) => ({
    name: line.name,
    points: dated.flatMap((observation) => {
      const quantity = quantityFor(observation, line.code);
      return typeof quantity?.value === "number"
        ? [{ date: when(observation).slice(0, 10), value: quantity.value, unit: quantity.unit || quantity.code || "" }]
        : [];
    }),
  })).filter((line) => line.points.length > 0);
}

function element(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [attribute, value] of Object.entries(attributes)) node.setAttribute(attribute, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An SVG line chart of the lines, dated along the first line's points. */
export function chart(label, lines) {
  const values = lines.flatMap((line) => line.points.map((point) => point.value));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const dates = lines[0].points.map((point) => point.date);
  const x = (index) => PAD.left + (dates.length === 1 ? 0.5 : index / (dates.length - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => PAD.top + (1 - (value - min) / span) * (HEIGHT - PAD.top - PAD.bottom);

  const svg = element("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart" });
  svg.append(element("title", {}, `${label} over time`));
  svg.append(element("text", { x: PAD.left - 4, y: y(max) + 4, class: "axis", "text-anchor": "end" }, String(max)));
  if (max !== min) {
    svg.append(element("text", { x: PAD.left - 4, y: y(min) + 4, class: "axis", "text-anchor": "end" }, String(min)));
  }
  svg.append(element("text", { x: x(0), y: HEIGHT - 4, class: "axis", "text-anchor": "start" }, dates[0]));
  if (dates.length > 1) {
    svg.append(element("text", { x: x(dates.length - 1), y: HEIGHT - 4, class: "axis", "text-anchor": "end" },
      dates[dates.length - 1]));
  }
  lines.forEach((line, number) => {
    const path = line.points.map((point, index) => `${index === 0 ? "M" : "L"}${x(index).toFixed(1)},${y(point.value).toFixed(1)}`);
    svg.append(element("path", { d: path.join(" "), class: `line line-${number}` }));
    line.points.forEach((point, index) => {
      const dot = element("circle", { cx: x(index).toFixed(1), cy: y(point.value).toFixed(1), r: 3, class: `dot line-${number}` });
      dot.append(element("title", {}, `${line.name} ${point.value} ${point.unit} on ${point.date}`));
      svg.append(dot);
    });
  });
  return svg;
}
