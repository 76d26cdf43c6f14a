import { Optional } from '../../common/fields';
import { SuspensionReasonField } from './customer-fields';

export class SuspendCustomerDto {
  /** Omitted on a suspended customer: its reason stays; given: it replaces the reason. */
  @Optional()
  @SuspensionReasonField()
  reason?: string | null;
}
