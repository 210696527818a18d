// Points require.js at the widget modules vendored next to this file (_static/widgets/), so that widgets
// load with no network and from file://. Loaded after require.js and before html-manager's embed-amd.js.
(function () {
  var base = document.currentScript.src.replace(/[^/]*$/, "");
  var manager = base + "html-manager/";
  window.require.config({
    paths: {
      anywidget: base + "anywidget",
      // embed-amd.js defines these modules itself. Giving them all URLs in html-manager/ makes webpack's
      // public path (the folder of the module's URL) point at the icon fonts copied there.
      "@jupyter-widgets/base": manager + "base",
      "@jupyter-widgets/base7": manager + "base7",
      "@jupyter-widgets/controls": manager + "controls",
      "@jupyter-widgets/controls7": manager + "controls7",
      "@jupyter-widgets/html-manager": manager + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": manager + "libembed-amd",
    },
  });
})();
