// interact.js (drag, resize, snap) as one ES module, bundled by
// tools/vendor/build.sh into static/vendor/interact/interact.js.
import interact from "interactjs";

export default interact;
