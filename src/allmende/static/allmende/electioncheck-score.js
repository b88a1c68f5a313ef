// The election check's scoring rule for the browser: the same rule as
// allmende/electioncheck/scoring.py (see its docstring), tested against it for identical results.
// answers: [{position: int|null, double: bool}] in thesis order; positions: [int|null].

const SCALES = { 3: [-1, 0, 1], 5: [-2, -1, 0, 1, 2] };

export function span(scale) {
  const values = SCALES[scale];
  if (!values) throw new Error("unknown scale: " + scale);
  return values[values.length - 1] - values[0];
}

export function percent(points, maximum) {
  if (maximum <= 0) return null;
  return Math.floor((200 * points + maximum) / (2 * maximum));
}

export function partyScore(answers, positions, scale) {
  if (answers.length !== positions.length) {
    throw new Error("answers and positions must have one entry per thesis");
  }
  const width = span(scale);
  const valid = SCALES[scale];
  let points = 0;
  let maximum = 0;
  answers.forEach((answer, index) => {
    const position = positions[index];
    if (answer.position === null || answer.position === undefined) return;
    if (!valid.includes(answer.position) || (position !== null && !valid.includes(position))) {
      throw new Error("position outside the " + scale + "-step scale");
    }
    const weight = answer.double ? 2 : 1;
    maximum += width * weight;
    if (position !== null) points += (width - Math.abs(answer.position - position)) * weight;
  });
  return [points, maximum];
}

// parties: [[name, positions], …] in their order; returns the closest first.
export function score(answers, parties, scale) {
  const results = parties.map(([party, positions], order) => {
    const [points, maximum] = partyScore(answers, positions, scale);
    return { party, points, maximum, percent: percent(points, maximum), order };
  });
  results.sort((a, b) => {
    const pa = a.percent === null ? -1 : a.percent;
    const pb = b.percent === null ? -1 : b.percent;
    return pb - pa || a.order - b.order;
  });
  return results.map(({ party, points, maximum, percent }) => ({ party, points, maximum, percent }));
}
