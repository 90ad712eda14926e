// zhengce: two small conveniences; every page works without them.
(function () {
  "use strict";
  // Copy a citation: <button class="copy" data-copy="ID of the element with the text">.
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.copy") : null;
    if (!b) return;
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (!el) return;
    var text = el.textContent, done = function () { b.textContent = "已复制"; setTimeout(function () { b.textContent = "复制引用"; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { select(el); });
    } else { select(el); try { document.execCommand("copy"); done(); } catch (err) {} }
  });
  function select(el) { var r = document.createRange(); r.selectNodeContents(el); var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }
  // Mark the passage a link lands on (CSS :target does it too).
  function mark() {
    var old = document.querySelectorAll(".passage.target");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("target");
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.classList.contains("passage")) el.classList.add("target");
  }
  window.addEventListener("hashchange", mark);
  document.addEventListener("DOMContentLoaded", function () {
    mark();
    // Ticking a facet searches at once; the submit button stays for keyboards.
    var boxes = document.querySelectorAll("form.search .facet input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener("change", function () { this.form.submit(); });
  });
})();
