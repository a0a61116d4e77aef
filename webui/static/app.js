// Progressive enhancement only: the pages work without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Copy buttons for citations (hidden until this script shows them).
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      input.select();
      var done = function () {
        button.textContent = "已复制";
        setTimeout(function () { button.textContent = "复制"; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
  // Clicking into a citation selects all of it.
  document.querySelectorAll("input.cite-text").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  // "/" focuses the search box (unless typing in a field already).
  var box = document.getElementById("q");
  if (box) {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var t = event.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }
  // On a phone the 筛选 panel starts folded above the results.
  var panel = document.getElementById("filters");
  if (panel && window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
    panel.open = false;
  }
});

// Autocomplete: refill the search box's <datalist> from /api/suggest while typing
// (without this script the datalist holds the completions of the query last searched).
document.addEventListener("DOMContentLoaded", function () {
  var input = document.querySelector("input[data-suggest]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) return;
  var timer = null, last = input.value;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() !== q) return;
          list.textContent = "";
          (data.suggestions || []).forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.text;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
});

// Exports: the file is made in one go on the server (a 10,000-article 汇编 takes a while),
// so show what is being made, the seconds so far and the estimate, then save it.
// Without this script the buttons are plain downloads.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("export-progress");
  if (!box || !window.fetch || !window.URL || !URL.createObjectURL) return;
  var status = box.querySelector(".export-status");
  var bar = box.querySelector("progress");
  var busy = false;
  function fileName(response, fallback) {
    var cd = response.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    return m ? decodeURIComponent(m[1]) : fallback;
  }
  document.querySelectorAll("a[data-export]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      var what = link.getAttribute("data-export");
      var estimate = parseInt(link.getAttribute("data-seconds"), 10) || 0;
      var started = Date.now();
      box.hidden = false;
      bar.hidden = false;
      box.classList.remove("failed");
      var tick = function () {
        var s = Math.round((Date.now() - started) / 1000);
        status.textContent = "正在生成" + what + "：已用 " + s + " 秒" + (estimate > 2 ? "，预计约 " + estimate + " 秒" : "") + "……";
      };
      tick();
      var timer = setInterval(tick, 1000);
      fetch(link.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            return response.json().then(function (body) { throw new Error(body.error || ("错误 " + response.status)); },
                                        function () { throw new Error("错误 " + response.status); });
          }
          var name = fileName(response, "export");
          return response.blob().then(function (blob) {
            var url = URL.createObjectURL(blob);
            var a = document.createElement("a");
            a.href = url;
            a.download = name;
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
            status.textContent = "已生成" + what + "：" + name + "（" + Math.round((Date.now() - started) / 1000) + " 秒）";
          });
        })
        .catch(function (err) {
          box.classList.add("failed");
          status.textContent = "导出失败：" + err.message;
        })
        .then(function () { clearInterval(timer); busy = false; bar.hidden = true; });
    });
  });
});
