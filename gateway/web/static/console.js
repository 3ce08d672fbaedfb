// Staff consoles: a little plain JavaScript. Pages work without it; it adds live timers, the knowledge
// panel and the dispatch suggestion while typing, keyboard shortcuts, confirmations and printing.
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  // ---- deadline timers: count down from the server's figure (the server's clock is the truth) ----
  function duration(seconds) {
    seconds = Math.abs(Math.floor(seconds));
    var days = Math.floor(seconds / 86400), hours = Math.floor(seconds % 86400 / 3600), minutes = Math.floor(seconds % 3600 / 60);
    if (days) { return days + "天" + hours + "小时"; }
    if (hours) { return hours + "小时" + minutes + "分"; }
    return minutes + "分";
  }
  function startTimers() {
    var timers = $all("[data-remaining]");
    if (!timers.length) { return; }
    var loaded = Date.now();
    function tick() {
      var elapsed = (Date.now() - loaded) / 1000;
      timers.forEach(function (timer) {
        var left = Number(timer.getAttribute("data-remaining")) - elapsed;
        var text = $(".timer-text", timer);
        if (text) { text.textContent = (left >= 0 ? "剩余" : "超期") + duration(left); }
        if (left < 0 && !timer.classList.contains("timer-overdue")) {
          timer.className = "timer timer-overdue";
          var state = $(".timer-state", timer);
          if (state) { state.textContent = "超期"; }
        }
      });
    }
    setInterval(tick, 30000);
  }

  // ---- knowledge panel and dispatch suggestion while the operator types ----
  function debounce(fn, ms) {
    var handle = null;
    return function () { clearTimeout(handle); handle = setTimeout(fn, ms); };
  }
  function getJSON(url, done) {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { done(data); } })
      .catch(function () { /* the panel is a help, never a blocker */ });
  }
  function startKnowledge() {
    var panel = $("#knowledge"), form = $("#intake-form");
    if (!panel || !form) { return; }
    var select = $("#dispatch-department"), co = $("#dispatch-co-departments");
    var line = $("#suggestion-line"), reply = $("#instant-reply");
    // The suggestion fills the department fields until the operator changes them; what is sent is what
    // they show, and the server does exactly that (仅登记 dispatches nothing).
    var chosenByHand = false;
    [select, co].forEach(function (input) {
      if (input) { input.addEventListener("change", function () { chosenByHand = true; }); }
    });

    function field(name) { var f = form.elements[name]; return f ? (f.value || "").trim() : ""; }
    function kind() { var checked = $("input[name=kind]:checked", form); return checked ? checked.value : "consult"; }

    function showKnowledge(data) {
      var items = $("#knowledge-items"), replies = $("#knowledge-replies");
      items.textContent = ""; replies.textContent = "";
      data.items.forEach(function (item) {
        var li = el("li"), a = el("a", item.name);
        a.href = item.url; a.target = "_blank"; a.rel = "noopener";
        li.appendChild(a);
        li.appendChild(el("small", " " + item.department + " · " + (item.promised_days ? item.promised_days + "个工作日" : "即办"), "muted"));
        items.appendChild(li);
      });
      data.replies.forEach(function (r) {
        var li = el("li");
        li.appendChild(el("b", (r.title || r.number) + " "));
        li.appendChild(el("small", r.kind, "muted"));
        li.appendChild(el("span", r.public_reply, "reply-text"));
        var use = el("button", "采用为即时答复", "link");
        use.type = "button";
        use.addEventListener("click", function () { if (reply) { reply.value = r.public_reply; reply.focus(); } });
        li.appendChild(use);
        replies.appendChild(li);
      });
      if (!data.items.length) { items.appendChild(el("li", "未找到相关事项", "muted")); }
      if (!data.replies.length) { replies.appendChild(el("li", "未找到历史答复", "muted")); }
      $("#knowledge-hint").textContent = data.terms.length ? "检索词：" + data.terms.join("、") : "输入标题或内容后显示相关知识。";
    }
    function showSuggestion(data) {
      var box = $("#knowledge-suggestion"), s = data.suggestion;
      var helpers = s && s.co_department_names.length ? "，协办：" + s.co_department_names.join("、") : "";
      box.textContent = s ? s.department_name + helpers + "（规则「" + s.rule + "」，" + s.workdays + "个工作日）" : "无匹配规则：请人工选择承办单位";
      if (line) { line.textContent = s ? "派单建议：" + s.department_name + helpers + "（规则「" + s.rule + "」）" : ""; }
      if (chosenByHand) { return; }
      if (select) { select.value = s ? s.department : ""; }
      if (co) {
        Array.prototype.forEach.call(co.options, function (option) {
          option.selected = !!s && s.co_departments.indexOf(option.value) >= 0;
        });
      }
    }
    var refresh = debounce(function () {
      var text = field("title") || field("content");
      var query = field("title") + " " + field("content");
      if (text) { getJSON(panel.getAttribute("data-url") + "?q=" + encodeURIComponent(text.slice(0, 200)), showKnowledge); }
      if (query.trim()) {
        var params = "kind=" + encodeURIComponent(kind()) + "&title=" + encodeURIComponent(field("title")) +
          "&content=" + encodeURIComponent(field("content").slice(0, 2000)) + "&district=" + encodeURIComponent(field("district"));
        getJSON(panel.getAttribute("data-suggest-url") + "?" + params, showSuggestion);
      }
    }, 300);
    $all("[data-knowledge], input[name=kind], input[name=district]", form).forEach(function (input) {
      input.addEventListener("input", refresh);
      input.addEventListener("change", refresh);
    });
    if (field("title") || field("content")) { refresh(); }
  }

  // ---- 重复来电: the caller's earlier inquiries, once the phone typed is a whole number ----
  function wholeNumber(text) {
    var digits = text.replace(/[^0-9]/g, "");
    if (/^(0086|86)1[3-9][0-9]{9}$/.test(digits)) { digits = digits.replace(/^(0086|86)/, ""); }
    return /^1[3-9][0-9]{9}$/.test(digits) || /^0[1-9][0-9]{8,10}$/.test(digits) ? digits : null;
  }
  function startCallerHistory() {
    var box = $("#caller-history"), form = $("#intake-form");
    if (!box || !form || !form.elements.citizen_phone) { return; }
    var input = form.elements.citizen_phone, asked = null;
    function show(data) {
      var list = $("#caller-history-items");
      list.textContent = "";
      box.hidden = false;
      $("#caller-history-count").textContent = data.total ? "共" + data.total + "件" : "";
      if (!data.items.length) { list.appendChild(el("li", "该号码近12个月没有诉求", "muted")); return; }
      data.items.forEach(function (item, index) {
        var li = el("li"), a = el("a", item.number);
        a.href = item.url; a.target = "_blank"; a.rel = "noopener";
        if (index < 9) { a.setAttribute("data-history-key", String(index + 1)); }
        li.appendChild(a);
        li.appendChild(el("small", " " + item.date + " · " + item.channel, "muted"));
        li.appendChild(el("span", item.title, "reply-text"));
        var facts = [item.status, item.department, item.satisfaction].filter(function (x) { return x; });
        li.appendChild(el("small", facts.join(" · "), "muted"));
        list.appendChild(li);
      });
    }
    var look = debounce(function () {
      var number = wholeNumber(input.value || "");
      if (!number || number === asked) { return; }  // each number is looked up (and audited) once
      asked = number;
      getJSON(box.getAttribute("data-url") + "?phone=" + encodeURIComponent(number), show);
    }, 400);
    input.addEventListener("input", look);
    input.addEventListener("change", look);
    if (input.value) { look(); }
    document.addEventListener("keydown", function (event) {
      var digit = /^Digit([1-9])$/.exec(event.code || "");
      if (!(event.altKey && event.shiftKey && digit)) { return; }
      var link = $("[data-history-key='" + digit[1] + "']", box);
      if (link) { event.preventDefault(); window.open(link.href, "_blank", "noopener"); }
    });
  }

  // ---- keyboard first ----
  function startKeys() {
    document.addEventListener("keydown", function (event) {
      var form = $("#intake-form");
      if (form && event.altKey && /^[1-6]$/.test(event.key)) {
        var radio = $("input[name=kind][data-key='" + event.key + "']", form);
        if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); event.preventDefault(); }
      }
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        var target = event.target && event.target.form;
        var button = target && $("[data-default]", target);
        if (button) { event.preventDefault(); button.click(); }
      }
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target || {}).tagName || "");
      if (!typing && event.key === "/") {
        var search = $("[data-hotkey='/']");
        if (search) { event.preventDefault(); search.focus(); }
      }
    });
  }

  // ---- small helpers: confirmations, check-all, print, one submit per form ----
  function startHelpers() {
    document.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("[data-confirm], [data-check-all], [data-print]") : null;
      if (!target) { return; }
      if (target.hasAttribute("data-confirm") && !window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
      if (target.hasAttribute("data-check-all")) {
        $all(target.getAttribute("data-check-all")).forEach(function (box) { box.checked = true; });
      }
      if (target.hasAttribute("data-print")) { window.print(); }
    });
    $all("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function () {
        // Stop a double click from logging the same inquiry twice; the page reloads after the POST anyway.
        setTimeout(function () { $all("button[type=submit]", form).forEach(function (b) { b.disabled = true; }); }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startTimers(); startKnowledge(); startCallerHistory(); startKeys(); startHelpers();
  });
}());
