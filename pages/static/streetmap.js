/* The street map: the district's own vector tiles (/api/v1/tiles, Mapbox Vector Tiles) drawn on
   canvases by a Leaflet grid layer, with Chinese labels and administrative boundaries in the
   standard dash patterns. Nothing is fetched from another server, and nothing needs WebGL, so the
   map draws in a headless Chromium without a GPU.

   The decoder below reads only what a Mapbox Vector Tile holds (the spec's four messages in
   protocol buffers: tile, layer, feature, value); it is written here rather than vendored because
   the npm decoders (pbf + @mapbox/vector-tile) come as CommonJS modules that would need a bundler,
   and the spec is small: https://github.com/mapbox/vector-tile-spec/tree/master/2.1 */
(function () {
  "use strict";

  const TILE_URL = "/api/v1/tiles/WebMercatorQuad/{z}/{y}/{x}.mvt";
  const MAX_NATIVE_ZOOM = 18;

  // --- Mapbox Vector Tile decoding ------------------------------------------------------------

  function Reader(bytes) { this.buf = bytes; this.pos = 0; }
  Reader.prototype.varint = function () {
    let result = 0, shift = 1, byte;
    do {
      byte = this.buf[this.pos++];
      result += (byte & 0x7f) * shift;  // arithmetic, not bit operations: stays exact past 32 bits
      shift *= 128;
    } while (byte >= 0x80);
    return result;
  };
  Reader.prototype.bigVarint = function () {
    let result = 0n, shift = 0n, byte;
    do {
      byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte >= 0x80);
    return result;
  };
  Reader.prototype.bytes = function () {
    const length = this.varint();
    const slice = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  };
  Reader.prototype.skip = function (wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`vector tile: unknown wire type ${wire}`);
  };
  /* Calls visit(field, wire) for each field of the message in bytes; visit reads or skips it. */
  function fields(bytes, visit) {
    const r = new Reader(bytes);
    while (r.pos < r.buf.length) {
      const key = r.varint();
      if (visit(key >>> 3, key & 7, r) === false) r.skip(key & 7);
    }
  }
  const utf8 = new TextDecoder("utf-8");

  function packed(r) {
    const end = r.varint() + r.pos, out = [];
    while (r.pos < end) out.push(r.varint());
    return out;
  }

  function value(bytes) {
    let v = null;
    fields(bytes, (field, wire, r) => {
      const view = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos);
      if (field === 1) v = utf8.decode(r.bytes());
      else if (field === 2) { v = view.getFloat32(0, true); r.pos += 4; }
      else if (field === 3) { v = view.getFloat64(0, true); r.pos += 8; }
      else if (field === 4) v = Number(BigInt.asIntN(64, r.bigVarint()));  // int64: negative ones are 10 bytes of two's complement
      else if (field === 5) v = r.varint();
      else if (field === 6) { const n = r.varint(); v = n % 2 ? -(n + 1) / 2 : n / 2; }
      else if (field === 7) v = r.varint() === 1;
      else return false;
      return true;
    });
    return v;
  }

  /* Geometry commands (MoveTo, LineTo, ClosePath) to parts: arrays of [x, y] in tile units. */
  function geometry(commands) {
    const parts = [];
    let x = 0, y = 0, part = null;
    for (let i = 0; i < commands.length;) {
      const command = commands[i] & 7, count = commands[i] >> 3;
      i++;
      if (command === 7) { if (part && part.length) part.push(part[0]); continue; }
      for (let k = 0; k < count; k++) {
        const dx = commands[i++], dy = commands[i++];
        x += (dx >>> 1) ^ -(dx & 1);
        y += (dy >>> 1) ^ -(dy & 1);
        if (command === 1) { part = [[x, y]]; parts.push(part); } else part.push([x, y]);
      }
    }
    return parts;
  }

  function layer(bytes) {
    const out = { name: "", extent: 4096, features: [] }, keys = [], values = [], raw = [];
    fields(bytes, (field, wire, r) => {
      if (field === 1) out.name = utf8.decode(r.bytes());
      else if (field === 2) raw.push(r.bytes());
      else if (field === 3) keys.push(utf8.decode(r.bytes()));
      else if (field === 4) values.push(value(r.bytes()));
      else if (field === 5) out.extent = r.varint();
      else return false;
      return true;
    });
    out.features = raw.map((f) => {
      const feature = { type: 0, properties: {}, parts: [] };
      fields(f, (field, wire, r) => {
        if (field === 2) { const tags = packed(r); for (let i = 0; i + 1 < tags.length; i += 2) feature.properties[keys[tags[i]]] = values[tags[i + 1]]; }
        else if (field === 3) feature.type = r.varint();
        else if (field === 4) feature.parts = geometry(packed(r));
        else return false;
        return true;
      });
      return feature;
    });
    return out;
  }

  /* A tile's layers by name: {roads: {extent, features: [{type, properties, parts}]}, ...}. */
  function decode(buffer) {
    const layers = {};
    fields(new Uint8Array(buffer), (field, wire, r) => {
      if (field !== 3) return false;
      const l = layer(r.bytes());
      layers[l.name] = l;
      return true;
    });
    return layers;
  }

  // --- Drawing ----------------------------------------------------------------------------------

  const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif';
  const ROAD_WIDTH = { arterial: 5, secondary: 3.6, local: 2.6, lane: 1.6 };
  const ROAD_FILL = { arterial: "#f6cf7a", secondary: "#fbe7a8" };
  // Boundaries as the standard drawing (行政区域界线标准画法, GB/T 20257 symbols) shows them:
  // county level (the district) a long dash and a dot, township level (街道) a shorter dash and a dot,
  // a community (not an administrative area under the boundary rules) a fine dotted line.
  const BOUNDARY = {
    district: { color: "#7b3f8c", width: 2.4, dash: [10, 3, 2, 3] },
    subdistricts: { color: "#8d5a9c", width: 1.5, dash: [6, 2.5, 1.5, 2.5] },
    communities: { color: "#a98bb3", width: 0.9, dash: [1.5, 2] },
  };

  function path(ctx, parts, scale, close) {
    ctx.beginPath();
    parts.forEach((part) => {
      part.forEach(([x, y], i) => (i ? ctx.lineTo(x * scale, y * scale) : ctx.moveTo(x * scale, y * scale)));
      if (close) ctx.closePath();
    });
  }

  function stroke(ctx, layerData, scale, style) {
    if (!layerData) return;
    layerData.features.forEach((f) => {
      const s = typeof style === "function" ? style(f) : style;
      if (!s) return;
      path(ctx, f.parts, scale, false);
      ctx.setLineDash(s.dash || []);
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width;
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  function roadWidth(f, zoom) {
    return (ROAD_WIDTH[f.properties.road_class] || 2) * Math.max(0.45, Math.min(2.2, (zoom - 11) / 4));
  }

  /* Boxes already holding a label, so labels do not overlap. */
  function Placed() { this.boxes = []; }
  Placed.prototype.take = function (box) {
    if (this.boxes.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) return false;
    this.boxes.push(box);
    return true;
  };

  function haloText(ctx, text, x, y) {
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  }

  /* A road's name along the longest straight stretch of it inside the tile, upright. */
  function roadLabel(ctx, f, scale, size, placed) {
    const name = f.properties.name;
    if (!name) return false;
    const width = ctx.measureText(name).width;
    let best = null;
    f.parts.forEach((part) => {
      for (let i = 1; i < part.length; i++) {
        const [x0, y0] = part[i - 1], [x1, y1] = part[i];
        const length = Math.hypot(x1 - x0, y1 - y0) * scale;
        if (!best || length > best.length) best = { length, x0: x0 * scale, y0: y0 * scale, x1: x1 * scale, y1: y1 * scale };
      }
    });
    if (!best || best.length < width + 6) return false;
    const cx = (best.x0 + best.x1) / 2, cy = (best.y0 + best.y1) / 2;
    const half = Math.max(width, size) / 2 + 2;
    const box = [cx - half, cy - half, cx + half, cy + half];
    if (box[0] < 1 || box[1] < 1 || box[2] > 255 || box[3] > 255) return false;  // whole labels only, inside the tile
    if (!placed.take(box)) return false;
    let angle = Math.atan2(best.y1 - best.y0, best.x1 - best.x0);
    if (angle > Math.PI / 2) angle -= Math.PI;
    if (angle < -Math.PI / 2) angle += Math.PI;
    ctx.save();
    ctx.translate(cx, cy);
    ctx.rotate(angle);
    haloText(ctx, name, 0, 0);
    ctx.restore();
    return true;
  }

  function draw(canvas, layers, zoom) {
    const ctx = canvas.getContext("2d");
    const ratio = canvas.width / 256;
    ctx.scale(ratio, ratio);
    const extentOf = (l) => (layers[l] ? layers[l].extent : 4096);
    const scale = (l) => 256 / extentOf(l);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";

    if (layers.water) stroke(ctx, layers.water, scale("water"), { color: "#8fc1e3", width: zoom >= 14 ? 4 : 2.2 });
    if (layers.buildings) {
      layers.buildings.features.forEach((f) => {
        path(ctx, f.parts, scale("buildings"), true);
        ctx.fillStyle = "#e3dbd0";
        ctx.fill();
        ctx.strokeStyle = "#cbbfae";
        ctx.lineWidth = 0.6;
        ctx.stroke();
      });
    }
    if (layers.roads) {
      const s = scale("roads");
      const order = [...layers.roads.features].sort((a, b) => roadWidth(a, zoom) - roadWidth(b, zoom));
      stroke(ctx, { features: order }, s, (f) => ({ color: "#b9ab98", width: roadWidth(f, zoom) + 1.6 }));
      stroke(ctx, { features: order }, s, (f) => ({ color: ROAD_FILL[f.properties.road_class] || "#ffffff", width: roadWidth(f, zoom) }));
    }
    ["communities", "subdistricts", "district"].forEach((name) => stroke(ctx, layers[name], scale(name), BOUNDARY[name]));

    const drawn = [];
    const placed = new Placed();
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    if (layers.labels) {
      const s = scale("labels");
      layers.labels.features.forEach((f) => {
        const level = f.properties.level;
        const show = level === "subdistrict" ? zoom < 14 : zoom >= 13;
        if (!show || !f.properties.name || !f.parts.length) return;
        const big = level === "subdistrict";
        ctx.font = `${big ? "bold 14px" : "12px"} ${FONT}`;
        ctx.fillStyle = big ? "#5b2d6b" : "#7a5a86";
        const [x, y] = f.parts[0][0];
        const w = ctx.measureText(f.properties.name).width;
        if (!placed.take([x * s - w / 2, y * s - 9, x * s + w / 2, y * s + 9])) return;
        haloText(ctx, f.properties.name, x * s, y * s);
        drawn.push(f.properties.name);
      });
    }
    if (layers.places && zoom >= 15) {  // landmarks: a dot and the name beside it
      const s = scale("places");
      ctx.font = `12px ${FONT}`;
      ctx.textAlign = "left";
      layers.places.features.forEach((f) => {
        if (!f.properties.name || !f.parts.length) return;
        const [x, y] = f.parts[0][0];
        ctx.beginPath();
        ctx.arc(x * s, y * s, 3.5, 0, 2 * Math.PI);
        ctx.fillStyle = "#b03a2e";
        ctx.fill();
        const w = ctx.measureText(f.properties.name).width;
        const px = x * s, py = y * s;
        // the name right of the dot, else left of it; never cut by the tile's edge (then the dot only)
        const sides = [[px + 7, [px - 4, py - 8, px + 8 + w, py + 8]], [px - 7 - w, [px - 8 - w, py - 8, px + 4, py + 8]]];
        const side = sides.find(([, b]) => b[0] >= 1 && b[1] >= 1 && b[2] <= 255 && b[3] <= 255 && placed.take(b));
        if (!side) return;
        ctx.fillStyle = "#7b241c";
        haloText(ctx, f.properties.name, side[0], py);
        drawn.push(f.properties.name);
      });
      ctx.textAlign = "center";
    }
    if (layers.roads && zoom >= 14) {
      ctx.font = `12px ${FONT}`;
      ctx.fillStyle = "#3d3326";
      const seen = new Set();
      const byWidth = [...layers.roads.features].sort((a, b) => roadWidth(b, zoom) - roadWidth(a, zoom));
      byWidth.forEach((f) => {
        if (seen.has(f.properties.name)) return;
        if (roadLabel(ctx, f, scale("roads"), 12, placed)) { seen.add(f.properties.name); drawn.push(f.properties.name); }
      });
    }
    return drawn;
  }

  /* A Leaflet layer of the street map: one canvas per tile. */
  const StreetLayer = L.GridLayer.extend({
    options: { maxNativeZoom: MAX_NATIVE_ZOOM, maxZoom: 20, minZoom: 0, className: "street-map" },

    createTile(coords, done) {
      const canvas = document.createElement("canvas");
      const ratio = Math.min(2, window.devicePixelRatio || 1);
      canvas.width = canvas.height = 256 * ratio;
      canvas.className = "street-tile";
      canvas.setAttribute("aria-hidden", "true");
      const url = TILE_URL.replace("{z}", coords.z).replace("{y}", coords.y).replace("{x}", coords.x);
      fetch(url, { headers: { Accept: "application/vnd.mapbox-vector-tile" } })
        .then((response) => {
          if (!response.ok) throw new Error(`${url}: ${response.status}`);
          return response.arrayBuffer();
        })
        .then((buffer) => {
          const labels = draw(canvas, decode(buffer), coords.z);
          canvas.dataset.labels = labels.join("|");  // what it says, for readers of the page's DOM (and tests)
          canvas.dataset.drawn = "true";
          done(null, canvas);
        })
        .catch((err) => done(err, canvas));
      return canvas;
    },
  });

  window.dimingStreetMap = { decode, StreetLayer, layer: (options) => new StreetLayer(options) };
})();
