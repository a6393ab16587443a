// The board's script: live refresh of [data-live] parts, the filter, and writes to the admin API.
// Writes carry the board's per-process token (X-Mock-Board-Token); everything stays on this origin.
"use strict";
const token = document.querySelector('meta[name="board-token"]').content;
const flash = document.getElementById("flash");

function say(text, bad) {
  flash.textContent = text;
  flash.className = bad ? "bad" : "good";
}

function applyFilter() {
  const box = document.getElementById("filter");
  if (!box) return;
  const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const row of document.querySelectorAll("#tasks tr[data-search]")) {
    row.hidden = !words.every((w) => row.dataset.search.includes(w));
  }
}

async function refresh() {
  const answer = await fetch(location.href, {headers: {"x-board-live": "1"}, credentials: "same-origin"});
  if (!answer.ok) return;
  const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
  for (const part of fresh.querySelectorAll("[data-live]")) {
    const here = document.getElementById(part.id);
    if (here && here.innerHTML !== part.innerHTML) here.innerHTML = part.innerHTML;
  }
  applyFilter();
}

async function send(action, body) {
  const [method, path] = action.split(" ");
  const init = {method, credentials: "same-origin", headers: {"x-mock-board-token": token}};
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(path, init);
  const data = await answer.json().catch(() => ({}));
  if (answer.ok) say(`${method} ${path}: done`, false);
  else say(`${method} ${path}: ${answer.status} ${data.code || ""} ${data.message || ""}`, true);
  await refresh();
}

function formBody(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[name]")) {
    if (input.value === "") continue;
    body[input.name] = input.type === "number" ? Number(input.value) : input.value;
  }
  return body;
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-action]");
  if (!form) return;
  event.preventDefault();
  send(form.dataset.action, formBody(form));
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button || button.closest("form[data-action]") && button.type === "submit") return;
  event.preventDefault();
  send(button.dataset.action, button.dataset.body ? JSON.parse(button.dataset.body) : undefined);
});

const filter = document.getElementById("filter");
if (filter) {
  filter.addEventListener("input", () => {
    const url = new URL(location.href);
    if (filter.value) url.searchParams.set("q", filter.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    applyFilter();
  });
}
applyFilter();
setInterval(() => { if (!document.hidden) refresh().catch(() => {}); }, 1000);
