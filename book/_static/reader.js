// Figures open at full size on tap or click: a forest plot is legible on a phone that way.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".bd-article img").forEach(function (img) {
    if (img.closest("a")) { return; }
    var link = document.createElement("a");
    link.href = img.currentSrc || img.src;
    link.className = "figure-full-size";
    link.title = "Open the figure at full size";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
  });
});

// Tables on a narrow screen. Each table gets a box of its own that scrolls it; its caption is
// set above the box, where it wraps instead of being clipped (the table keeps it as its
// accessible name). A table with one header row and no merged cell is also marked to reflow as
// cards on a narrow screen (reader.css): each cell gets its column's name. When a table is still
// wider than its box, the box shows a shadow at its right edge and a line above it says it scrolls.
document.addEventListener("DOMContentLoaded", function () {
  var count = 0;
  document.querySelectorAll(".bd-article table").forEach(function (table) {
    if (table.closest(".lr-table-box")) { return; }
    count += 1;
    var box = document.createElement("div");
    box.className = "lr-table-box";
    box.setAttribute("tabindex", "0");
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    var caption = table.querySelector(":scope > caption");
    if (caption) {
      var outside = document.createElement("p");
      outside.className = "lr-table-caption";
      outside.id = (table.id || ("lr-table-" + count)) + "-caption";
      while (caption.firstChild) { outside.appendChild(caption.firstChild); }
      caption.remove();
      box.parentNode.insertBefore(outside, box);
      table.setAttribute("aria-labelledby", outside.id);
    }
    var cue = document.createElement("p");
    cue.className = "lr-scroll-cue";
    cue.textContent = "\u2194 This table scrolls sideways: swipe it to see every column.";
    box.parentNode.insertBefore(cue, box);
    var heads = table.querySelectorAll(":scope > thead > tr");
    var merged = table.querySelector("td[colspan], td[rowspan], th[colspan], th[rowspan]");
    if (heads.length === 1 && !merged) {
      var names = Array.from(heads[0].children).map(function (cell) {
        return cell.textContent.replace(/\s+/g, " ").trim();
      });
      var fits = true;
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        if (row.children.length !== names.length) { fits = false; }
        Array.from(row.children).forEach(function (cell, i) {
          cell.setAttribute("data-label", names[i] || "");
        });
      });
      if (fits) { table.classList.add("lr-cards"); }
    }
  });
  function mark() {
    document.querySelectorAll(".bd-article .lr-table-box").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("lr-overflows", overflows);
      var cue = box.previousElementSibling;
      if (cue && cue.classList.contains("lr-scroll-cue")) { cue.classList.toggle("lr-visible", overflows); }
    });
  }
  mark();
  window.addEventListener("resize", mark);
});
