// A virtual-scrolling results table: only the rows in view (plus a margin)
// exist in the DOM, so 100,000 rows cost what 40 do. Rows are fixed height.
//
//   const t = new ResultTable(scrollElement, spacerElement, {onOpen});
//   t.setRows(rows, order);   // order: indices into rows, in display order
//
// Keyboard: the body is one tab stop; ArrowUp/ArrowDown/PageUp/PageDown/
// Home/End move the current row, Enter opens it (onOpen(row)).

import { formatConfidence } from './csv.js';

const ROW_HEIGHT = 28;
const MARGIN = 8;

export class ResultTable {
  constructor(scroll, spacer, { onOpen }) {
    this.scroll = scroll;
    this.spacer = spacer;
    this.onOpen = onOpen;
    this.rows = [];
    this.order = new Int32Array(0);
    this.current = -1;  // position in order
    this.pool = [];
    this.frame = 0;
    scroll.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(scroll);
    scroll.addEventListener('keydown', (e) => this.key(e));
    scroll.addEventListener('click', (e) => {
      const el = e.target.closest('.row');
      if (!el) return;
      this.current = Number(el.dataset.pos);
      this.render();
      this.onOpen(this.rows[this.order[this.current]]);
    });
  }

  setRows(rows, order) {
    this.rows = rows;
    this.order = order;
    if (this.current >= order.length) this.current = order.length - 1;
    this.spacer.style.height = `${order.length * ROW_HEIGHT}px`;
    this.scroll.parentElement.setAttribute('aria-rowcount', String(order.length));
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  // The DOM rows shown now (for tests and screenshots).
  visibleCount() { return this.pool.filter((el) => !el.hidden).length; }

  render() {
    const top = this.scroll.scrollTop;
    const height = this.scroll.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - MARGIN);
    const last = Math.min(this.order.length, Math.ceil((top + height) / ROW_HEIGHT) + MARGIN);
    const need = last - first;
    while (this.pool.length < need) {
      const el = document.createElement('div');
      el.className = 'row';
      el.setAttribute('role', 'row');
      for (let c = 0; c < 6; c++) {
        const cell = document.createElement('span');
        cell.setAttribute('role', 'gridcell');
        el.appendChild(cell);
      }
      this.spacer.appendChild(el);
      this.pool.push(el);
    }
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k];
      const pos = first + k;
      if (k >= need) { el.hidden = true; continue; }
      el.hidden = false;
      const r = this.rows[this.order[pos]];
      el.dataset.pos = String(pos);
      el.style.transform = `translateY(${pos * ROW_HEIGHT}px)`;
      el.classList.toggle('current', pos === this.current);
      el.classList.toggle('failed', !!r.error);
      el.setAttribute('aria-rowindex', String(pos + 1));
      const cells = el.children;
      cells[0].textContent = String(r.index + 1);
      cells[1].textContent = r.source;
      cells[2].textContent = r.label ?? '…';
      cells[3].textContent = r.method ?? '';
      if (r.degraded) {  // a badge: a fallback guess, not a confident answer
        const badge = document.createElement('span');
        badge.className = 'badge-degraded';
        badge.textContent = 'degraded';
        badge.title = 'a fallback guess (LLM down, over budget, no key), not a confident answer';
        cells[3].append(' ', badge);
      }
      cells[4].textContent = formatConfidence(r.confidence);
      cells[5].textContent = r.message;
      cells[5].title = r.message;
    }
  }

  key(e) {
    const n = this.order.length;
    if (!n) return;
    const page = Math.max(1, Math.floor(this.scroll.clientHeight / ROW_HEIGHT) - 1);
    let pos = this.current;
    switch (e.key) {
      case 'ArrowDown': pos = Math.min(n - 1, pos + 1); break;
      case 'ArrowUp': pos = Math.max(0, pos - 1); break;
      case 'PageDown': pos = Math.min(n - 1, pos + page); break;
      case 'PageUp': pos = Math.max(0, pos - page); break;
      case 'Home': pos = 0; break;
      case 'End': pos = n - 1; break;
      case 'Enter':
        if (pos >= 0) this.onOpen(this.rows[this.order[pos]]);
        e.preventDefault();
        return;
      default: return;
    }
    e.preventDefault();
    this.current = Math.max(0, pos);
    const y = this.current * ROW_HEIGHT;
    if (y < this.scroll.scrollTop) this.scroll.scrollTop = y;
    else if (y + ROW_HEIGHT > this.scroll.scrollTop + this.scroll.clientHeight) {
      this.scroll.scrollTop = y + ROW_HEIGHT - this.scroll.clientHeight;
    }
    this.render();
  }
}
