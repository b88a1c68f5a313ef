// Election check result page: recompute the agreement in the browser as soon as an answer in
// "Change your answers" changes (same rule as the server, see electioncheck-score.js) and keep
// the address and the statistics form in step. Without JavaScript the form asks the server.
import { score } from "./electioncheck-score.js";

const data = JSON.parse(document.getElementById("electioncheck-data").textContent);
const form = document.getElementById("adjust-form");
const list = document.getElementById("score-list");

function currentAnswers() {
  return data.theses.map((id) => {
    const value = form.querySelector(`[data-thesis="${id}"]`).value;
    const double = form.querySelector(`[data-double="${id}"]`).checked;
    return { position: value === "s" ? null : Number(value), double };
  });
}

function encode(answers) {
  return answers
    .map((a) => (a.position === null ? "s" : String(a.position)) + (a.double ? "*" : ""))
    .join(",");
}

function update() {
  const answers = currentAnswers();
  const results = score(answers, data.parties, data.scale);
  for (const result of results) {
    const item = list.querySelector(`[data-party="${result.party}"]`);
    if (!item) continue;
    item.querySelector(".score-value").textContent =
      result.percent === null ? "–" : `${result.percent} %`;
    item.querySelector(".score-bar-fill").setAttribute("width", String(result.percent ?? 0));
    list.appendChild(item);
  }
  // The text beside the numbers: how many theses have a position, and each "Your position".
  document.getElementById("answered-count").textContent = String(
    answers.filter((a) => a.position !== null).length,
  );
  data.theses.forEach((id, index) => {
    const select = form.querySelector(`[data-thesis="${id}"]`);
    const label = document.querySelector(`[data-answer-label="${id}"]`);
    if (label) label.textContent = select.options[select.selectedIndex].text;
    const doubled = document.querySelector(`[data-double-label="${id}"]`);
    if (doubled) doubled.hidden = !answers[index].double;
  });
  const encoded = encode(answers);
  const url = new URL(window.location.href);
  url.search = new URLSearchParams({ a: encoded }).toString();
  window.history.replaceState(null, "", url);
  document.getElementById("permalink").value = url.toString();
  document.getElementById("count-answers").value = encoded;
}

form.addEventListener("change", update);
