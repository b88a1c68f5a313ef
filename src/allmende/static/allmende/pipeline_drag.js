/*
 * Drag and drop on the pipeline board: dropping a card on another column submits the card's
 * own move form with that column's stage (htmx swaps the board, as with the form's button).
 * The forms stay on the cards for keyboards and for browsers without JavaScript.
 * Plain ES2017, no inline handlers (strict CSP with nonces).
 *
 * Markup read: #board containing .pipeline-column[data-stage] and
 * .pipeline-card[data-move-form] (the id of the card's form with a select[name=stage]);
 * [data-drag-hint] is shown once dragging works.
 */
(function () {
  'use strict';

  const board = document.getElementById('board');
  if (!board || !('draggable' in document.createElement('li'))) {
    return;
  }
  const hint = document.querySelector('[data-drag-hint]');
  if (hint) {
    hint.hidden = false;
  }

  let dragged = null;

  // Styles through the CSSOM (allowed by the CSP, unlike style attributes in markup).
  const TARGET_OUTLINE = '3px dashed #b1005d'; // --c-focus of site.css

  function prepare() {
    board.querySelectorAll('.pipeline-card[data-move-form]').forEach(function (card) {
      card.setAttribute('draggable', 'true');
      card.style.cursor = 'grab';
    });
  }

  function element(target) {
    return target && target.nodeType === 1 ? target : target && target.parentElement;
  }

  function columnOf(target) {
    const el = element(target);
    return el ? el.closest('.pipeline-column[data-stage]') : null;
  }

  function clearTargets() {
    board.querySelectorAll('.pipeline-column.drop-target').forEach(function (column) {
      column.classList.remove('drop-target');
      column.style.outline = '';
    });
  }

  board.addEventListener('dragstart', function (event) {
    const el = element(event.target);
    const card = el ? el.closest('.pipeline-card[data-move-form]') : null;
    if (!card) {
      return;
    }
    dragged = card;
    card.classList.add('dragging');
    card.style.opacity = '0.6';
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', card.dataset.moveForm);
  });

  board.addEventListener('dragend', function () {
    if (dragged) {
      dragged.classList.remove('dragging');
      dragged.style.opacity = '';
    }
    dragged = null;
    clearTargets();
  });

  board.addEventListener('dragover', function (event) {
    const column = columnOf(event.target);
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    if (!column.classList.contains('drop-target')) {
      clearTargets();
      column.classList.add('drop-target');
      column.style.outline = TARGET_OUTLINE;
      column.style.outlineOffset = '2px';
    }
  });

  board.addEventListener('drop', function (event) {
    const column = columnOf(event.target);
    const card = dragged;
    if (!card || !column) {
      return;
    }
    event.preventDefault();
    clearTargets();
    const form = document.getElementById(card.dataset.moveForm);
    const select = form ? form.querySelector('select[name="stage"]') : null;
    if (!select || select.value === column.dataset.stage) {
      return;
    }
    select.value = column.dataset.stage;
    // A real submit event: htmx posts it and swaps the board; without htmx the browser posts
    // the form and the server redirects back to the board.
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  prepare();
  // htmx replaces the board's content after a move: make the new cards draggable again.
  document.body.addEventListener('htmx:afterSwap', prepare);
})();
