import { describe, expect, it } from 'vitest';
import { parseBytes, parseCpus, parseDuration, shellWords } from './units';

describe('parseDuration', () => {
  it.each([
    ['10s', 10],
    ['1m30s', 90],
    ['1h', 3600],
    ['500ms', 0.5],
    ['1.5s', 1.5],
    ['2m', 120],
    ['30', 30],
    [15, 15],
  ])('%s → %s s', (input, seconds) => expect(parseDuration(input)).toBe(seconds));

  it.each(['ten seconds', '10x', '', 's', '-5s', '1m 30s'])('refuses %j', (input) => expect(parseDuration(input)).toBeNull());
});

describe('parseBytes', () => {
  it.each([
    ['512M', 512 * 1024 ** 2],
    ['512MB', 512 * 1024 ** 2],
    ['1GB', 1024 ** 3],
    ['1g', 1024 ** 3],
    ['2048m', 2048 * 1024 ** 2],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['100k', 102400],
    ['1024', 1024],
    [1048576, 1048576],
  ])('%s → %s bytes', (input, bytes) => expect(parseBytes(input)).toBe(bytes));

  it.each(['lots', '512 potatoes', '-1G', ''])('refuses %j', (input) => expect(parseBytes(input)).toBeNull());
});

describe('parseCpus', () => {
  it.each([
    ['0.5', 0.5],
    [0.25, 0.25],
    ['2', 2],
  ])('%s → %s', (input, cpus) => expect(parseCpus(input)).toBe(cpus));
  it.each(['two', '0.5 cpu', '', '-1'])('refuses %j', (input) => expect(parseCpus(input)).toBeNull());
});

describe('shellWords (command strings as Compose splits them)', () => {
  it.each([
    ['python manage.py migrate', ['python', 'manage.py', 'migrate']],
    ['sh -c "python manage.py runserver 0.0.0.0:8000"', ['sh', '-c', 'python manage.py runserver 0.0.0.0:8000']],
    ["echo 'a b' c", ['echo', 'a b', 'c']],
    ['a\\ b c', ['a b', 'c']],
    ['say "it\\"s"', ['say', 'it"s']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['empty "" arg', ['empty', '', 'arg']],
  ])('%s', (input, words) => expect(shellWords(input)).toEqual(words));

  it.each(['unclosed "quote', "unclosed 'single"])('refuses %j', (input) => expect(shellWords(input)).toBeNull());
});
