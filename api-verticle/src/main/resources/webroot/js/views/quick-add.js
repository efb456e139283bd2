// The quick-add input's preview: what the text will become ("Pay rent · due Fri 1 Jan 09:00 · repeats monthly on
// day 1 · #bills · high"), shown as the user types. Each understood part is a chip; clicking it quotes its words in the
// input, so they stay in the title as written.
import { h, replaceChildren } from '../dom.js';
import { localZone } from '../time.js';
import { keepLiteral, parse } from '../quickadd.js';

export class QuickAddPreview {
  constructor(input, box) {
    this.input = input;
    this.box = box;
    input.addEventListener('input', () => this.update());
    box.addEventListener('click', event => this.onChip(event));
    this.parsed = null;
  }

  /** The text as of now, parsed in the browser's zone. */
  current() {
    return parse(this.input.value, Date.now(), localZone());
  }

  update() {
    const text = this.input.value;
    const parsed = text.trim() ? this.current() : null;
    this.parsed = parsed;
    if (!parsed || parsed.parts.length === 0) {
      this.box.hidden = true;
      replaceChildren(this.box);
      return;
    }
    const items = [parsed.title
      ? h('span', { class: 'qp-title' }, parsed.title)
      : h('span', { class: 'qp-title missing' }, 'add a title')];
    parsed.parts.forEach((part, index) => {
      items.push(' · ');
      items.push(part.spans.length
        ? h('button', {
          type: 'button', class: `chip ${part.kind}`, dataset: { part: String(index) },
          title: `Keep “${part.spans.map(s => s.source).join(' ')}” as text`,
          'aria-label': `${part.label}: keep “${part.spans.map(s => s.source).join(' ')}” as text instead`,
        }, part.label)
        : h('span', { class: `chip ${part.kind} implied` }, part.label));
    });
    replaceChildren(this.box, items);
    this.box.hidden = false;
  }

  onChip(event) {
    const chip = event.target.closest('button.chip');
    if (!chip || !this.parsed) {
      return;
    }
    const part = this.parsed.parts[Number(chip.dataset.part)];
    this.input.value = keepLiteral(this.input.value, part);
    this.update();
    this.input.focus();
  }

  clear() {
    this.input.value = '';
    this.update();
  }
}
