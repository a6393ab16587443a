// The board's script: live refresh of [data-live] parts, the filter, and writes to the admin API.
// Writes carry the board's per-process token (X-Mock-Board-Token); everything stays on this origin.
"use strict";
const token = document.querySelector('meta[name="board-token"]').content;
const flash = document.getElementById("flash");

function say(text, bad) {
  flash.textContent = text;
  flash.className = bad ? "bad" : "good";
}

// The live parts come from the page's live URL with the page's own query, and only when they changed: the
// server answers 204 to the digest of what is shown (the board never reloads every task).
const live = document.querySelector('meta[name="board-live"]').content;
let shown = null;

async function refresh() {
  if (!live) return;
  const url = new URL(live, location.href);
  for (const [name, value] of new URL(location.href).searchParams) url.searchParams.set(name, value);
  if (shown) url.searchParams.set("seen", shown);
  const answer = await fetch(url, {credentials: "same-origin"});
  if (answer.status !== 200) return;
  const fresh = await answer.json();
  shown = fresh.digest;
  for (const [id, html] of Object.entries(fresh.parts)) {
    const here = document.getElementById(id);
    if (here && here.innerHTML !== html) here.innerHTML = html;
  }
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

// the search box asks the server as you type (debounced); the selects submit the query form
const filter = document.getElementById("filter");
let typing = null;
if (filter) {
  filter.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const url = new URL(location.href);
      if (filter.value) url.searchParams.set("q", filter.value); else url.searchParams.delete("q");
      url.searchParams.delete("offset");
      history.replaceState(null, "", url);
      shown = null;
      refresh().catch(() => {});
    }, 250);
  });
}
for (const select of document.querySelectorAll("#query select")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
refresh().catch(() => {});
setInterval(() => { if (!document.hidden) refresh().catch(() => {}); }, 1000);
