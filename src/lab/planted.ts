/** The identifying values a lab plants, per attribute keyword: each value listed once, in the order first planted. */
export class PlantedValues {
  readonly byKeyword = new Map<string, string[]>();

  add(keyword: string, ...values: string[]): void {
    const list = this.byKeyword.get(keyword) ?? [];
    for (const v of values) if (!list.includes(v)) list.push(v);
    this.byKeyword.set(keyword, list);
  }
}
