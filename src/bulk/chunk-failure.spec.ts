import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { describeCause, failureCauseOf } from './chunk-failure';

describe('what a failed chunk records of its error', () => {
  it("takes the driver's code, errno, SQLSTATE and message, not MikroORM's message that starts with the statement", () => {
    const driver = Object.assign(
      new Error(
        `insert into \`domain\` (${'`name`, '.repeat(100)}) - Duplicate entry 'a.test' for key 'domain_name_unique'`,
      ),
      {
        code: 'ER_DUP_ENTRY',
        errno: 1062,
        sqlState: '23000',
        sqlMessage: "Duplicate entry 'a.test' for key 'domain_name_unique'",
      },
    );
    const cause = failureCauseOf(new UniqueConstraintViolationException(driver));
    expect(cause).toEqual({
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sqlState: '23000',
      message: "Duplicate entry 'a.test' for key 'domain_name_unique'",
    });
    expect(describeCause(cause)).toBe(
      "ER_DUP_ENTRY (errno 1062, SQLSTATE 23000): Duplicate entry 'a.test' for key 'domain_name_unique'",
    );
  });

  it('finds the driver error in a cause chain', () => {
    const driver = Object.assign(new Error('x'), {
      errno: 1644,
      sqlState: '45000',
      sqlMessage: 'quota',
    });
    expect(failureCauseOf(new Error('chunk failed', { cause: driver }))).toMatchObject({
      errno: 1644,
      sqlState: '45000',
      code: null,
      message: 'quota',
    });
  });

  it('keeps the message of an error that is not the driver’s, up to 2,000 characters', () => {
    expect(failureCauseOf(new TypeError('x is undefined'))).toEqual({
      code: null,
      errno: null,
      sqlState: null,
      message: 'x is undefined',
    });
    expect(failureCauseOf(new Error('y'.repeat(5000))).message).toHaveLength(2000);
    expect(describeCause(failureCauseOf('plain'))).toBe('plain');
  });
});
