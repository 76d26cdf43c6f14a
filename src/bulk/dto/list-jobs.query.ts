import { PageQuery } from '../../common/page.query';

export class ListJobsQuery extends PageQuery {}
