// The upload page's drop zone (progressive enhancement: the file input works without it),
// and the reading's progress (polled; the page opens the results when done).
document.addEventListener("DOMContentLoaded", function () {
  var reading = document.getElementById("reading");
  if (reading) {
    var STATES = {waiting: "等待读取", reading: "读取中", read: "已读取", rejected: "不能入库"};
    var poll = function () {
      fetch(reading.dataset.status, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
        if (s.done) { window.location.href = reading.dataset.done; return; }
        s.files.forEach(function (f) {
          var li = Array.prototype.find.call(reading.querySelectorAll("li[data-name]"), function (el) { return el.dataset.name === f.name; });
          if (!li) return;
          li.querySelector(".reading-state").textContent = f.state === "ocr" ? "文字识别 第 " + f.page + "/" + f.pages + " 页" : STATES[f.state] || f.state;
          var bar = li.querySelector("progress");
          bar.max = f.pages || 1;
          bar.value = f.pages ? f.page : (f.state === "read" || f.state === "rejected" ? 1 : 0);
        });
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 1000);
  }
  var zone = document.getElementById("drop-zone");
  var input = document.getElementById("files");
  var form = document.getElementById("upload-form");
  if (!zone || !input || !form) return;
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.submit();
    }
  });
});
