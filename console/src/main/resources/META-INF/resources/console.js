// The network explorer's only script: plots (uPlot) from the data-* attributes a page carries,
// and live updates: on each "change" event from /live the page's <main> is fetched again and
// swapped in, so it changes without a reload. It reads; it never sends anything but GETs.
(function () {
  'use strict';

  function numbers(text) {
    return text === '' ? [] : text.split(',').map(Number);
  }

  // data-labels="a|b|c", data-series="name:1,2,3;other:4,5,6"
  function plot(el) {
    var labels = (el.dataset.labels || '') === '' ? [] : el.dataset.labels.split('|');
    if (labels.length === 0 || !window.uPlot) {
      return;
    }
    var names = [];
    var data = [labels.map(function (_, i) { return i; })];
    (el.dataset.series || '').split(';').forEach(function (part) {
      var at = part.indexOf(':');
      names.push(part.substring(0, at));
      data.push(numbers(part.substring(at + 1)));
    });
    var colors = ['#1b7f3b', '#e37400', '#1a73e8', '#b3261e'];
    var bars = el.dataset.chart === 'bars';
    // Bars: each series a bar beside the others at its label (two per label at most).
    var aligns = [-1, 1];
    var series = [{
      label: el.dataset.x || 'x',
      value: function (u, v) { return v === null || labels[v] === undefined ? '' : labels[v]; }
    }].concat(names.map(function (name, i) {
      var s = { label: name, stroke: colors[i % colors.length], width: 2 };
      if (bars) {
        s.fill = colors[i % colors.length];
        s.paths = uPlot.paths.bars({ size: [0.35, 60], align: aligns[i % aligns.length] });
        s.points = { show: false };
      }
      return s;
    }));
    el.replaceChildren();
    new uPlot({
      title: el.dataset.title,
      width: Math.max(320, el.clientWidth || 640),
      height: 220,
      series: series,
      scales: {
        x: {
          time: false,
          range: function () { return [-0.5, labels.length - 0.5]; }
        },
        y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } }
      },
      axes: [
        {
          splits: function () { return labels.map(function (_, i) { return i; }); },
          values: function (u, splits) { return splits.map(function (v) { return labels[v] === undefined ? '' : labels[v]; }); },
          grid: { show: false }
        },
        {}
      ]
    }, data, el);
  }

  function plots(root) {
    root.querySelectorAll('[data-chart]').forEach(plot);
  }

  var refreshing = false;
  function refresh() {
    if (refreshing) {
      return;
    }
    refreshing = true;
    fetch(location.href, { headers: { Accept: 'text/html' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('main');
        var main = document.getElementById('main');
        if (fresh && main && fresh.innerHTML !== main.innerHTML) {
          main.replaceWith(fresh);
          plots(fresh);
          document.getElementById('live').dataset.updated = String(Date.now());
        }
      })
      .finally(function () { refreshing = false; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    plots(document);
    if (window.EventSource) {
      new EventSource('/live').addEventListener('change', refresh);
    }
  });
})();
