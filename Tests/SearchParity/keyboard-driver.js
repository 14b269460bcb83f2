/* Keyboard driver for SearchKeyboardTests: added to a copy of a built page, it presses keys the
 * way a reader would (synthetic keydown/input events reach the same listeners) and writes what it
 * saw as JSON into <pre id="driver-log">, which the test reads from `chromium --dump-dom`.
 *
 * The page's URL hash picks the script: #keys (search page), #header (any page's header box),
 * #enter (search page: pick the second result and press Enter; the dump is then that page). */
(function () {
  'use strict';
  var log = {};
  var mode = (location.hash || '#keys').slice(1);
  var query = decodeURIComponent((/[?&]driver-q=([^&#]*)/.exec(location.search) || [])[1] || 'mailbox full');

  function key(target, name) {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
  }
  function type(input, text) {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  function options() { return Array.prototype.slice.call(document.querySelectorAll('#search-results [role=option]')); }
  function selected() { return options().filter(function (o) { return o.getAttribute('aria-selected') === 'true'; }).map(function (o) { return o.id; }); }
  function state(input) {
    return {
      options: options().length,
      links: options().filter(function (o) { return o.tagName === 'A' && o.getAttribute('href'); }).length,
      active: input.getAttribute('aria-activedescendant'),
      selected: selected(),
      expanded: input.getAttribute('aria-expanded'),
      role: input.getAttribute('role'),
      controls: input.getAttribute('aria-controls'),
      listRole: document.getElementById('search-results') && document.getElementById('search-results').getAttribute('role'),
      status: (document.querySelector('[role=status]') || {}).textContent || '',
      value: input.value
    };
  }
  function done() {
    var pre = document.createElement('pre');
    pre.id = 'driver-log';
    pre.textContent = JSON.stringify(log);
    document.body.appendChild(pre);
  }
  function steps(list) {
    var next = function () {
      var step = list.shift();
      if (!step) return done();
      try { step(); } catch (error) { log.error = String(error); return done(); }
      setTimeout(next, 400);
    };
    setTimeout(next, 100);
  }

  var input = null;
  steps([
    function () {
      key(document.body, '/');
      input = document.activeElement;
      log.slashFocused = input && input.tagName === 'INPUT' ? (input.id || input.className || input.name) : null;
      log.inHeader = !!(input && input.closest && input.closest('.site-header'));
      type(input, query);
    },
    function () {
      log.typed = state(input);
      if (mode === 'enter') { key(input, 'ArrowDown'); key(input, 'ArrowDown'); log.chosen = (options()[1] || {}).getAttribute ? options()[1].getAttribute('href') : null; key(input, 'Enter'); return; }
      key(input, 'ArrowDown');
      log.down1 = state(input);
      key(input, 'ArrowDown');
      log.down2 = state(input);
      key(input, 'ArrowUp');
      log.up = state(input);
      key(input, 'ArrowUp');
      key(input, 'ArrowUp');
      log.wrapped = state(input);
      var browse = document.getElementById('search-browse');
      log.browseHiddenWithResults = browse ? browse.hidden : null;
      var panel = document.querySelector('.search-panel');
      log.panelShown = panel ? !panel.hidden : null;
    },
    function () {
      key(input, 'Escape');
      log.escaped = state(input);
      var browse = document.getElementById('search-browse');
      log.browseHiddenAfterEscape = browse ? browse.hidden : null;
      var panel = document.querySelector('.search-panel');
      log.panelShownAfterEscape = panel ? !panel.hidden : null;
    }
  ]);
})();
