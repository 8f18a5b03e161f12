import { describe, expect, it } from '@jest/globals';
import { mentioned } from '../../activities/incident/inbox.js';

const people = [
  { id: 'b1', display_name: 'Budi Agent', email: 'budi@acme.test', role: 'agent' },
  { id: 'b2', display_name: 'Budi Santoso', email: 'bsantoso@acme.test', role: 'agent' },
  { id: 'c1', display_name: 'Citra Lead', email: 'citra.l@acme.test', role: 'team_lead' },
];

describe('@mentions', () => {
  it('finds a colleague by full name, e-mail name, or a first name nobody else has', () => {
    expect(mentioned('@Citra can you take a look?', people)).toEqual(['c1']);
    expect(mentioned('thanks @citra.l', people)).toEqual(['c1']);
    expect(mentioned('@Budi Santoso please', people)).toEqual(['b2']);
    expect(mentioned('@budi, the router', people)).toEqual(['b1']); // budi@… is Budi Agent's e-mail name
  });

  it('does not guess between two people of one first name, nor match inside a word', () => {
    expect(mentioned('@Santoso?', people)).toEqual([]);
    expect(mentioned('@Citrani', people)).toEqual([]);
    expect(mentioned('email citra@acme.test', people)).toEqual([]);
  });
});
