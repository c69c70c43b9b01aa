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
