/* The catalogue's organisation filter: its suggestions (the browser's own, from a <datalist>) are read the first
   time the field is used, so the page carries no list of hundreds of organisations for the many visitors who never
   open it. Without this script the field still takes a name or an organisation's address. */
(() => {
  "use strict";
  const input = document.getElementById("organisation");
  const list = input && input.list;
  if (!list || !list.dataset.source) {
    return;
  }
  let asked = false;

  // A name that two organisations share cannot say which one is meant: each of them is offered by its address
  // (the slug, which the catalogue also takes), labelled with the name.
  const fill = (organisations) => {
    const times = new Map();
    organisations.forEach(({ name }) => times.set(name, (times.get(name) || 0) + 1));
    const options = document.createDocumentFragment();
    organisations.forEach(({ slug, name }) => {
      const option = document.createElement("option");
      option.value = times.get(name) > 1 ? slug : name;
      if (times.get(name) > 1) {
        option.label = name;
      }
      options.appendChild(option);
    });
    list.replaceChildren(options);
  };

  const load = () => {
    if (asked) {
      return;
    }
    asked = true;
    // Without cookies: the list is the same for everyone, and an anonymous request is answered from the kept copy.
    fetch(list.dataset.source, { credentials: "omit", headers: { Accept: "application/json" } })
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(new Error(`HTTP ${answer.status}`))))
      .then((body) => fill(body.data))
      .catch(() => { asked = false; }); // asked again the next time the field is used
  };

  input.addEventListener("focus", load);
  input.addEventListener("input", load);
})();
