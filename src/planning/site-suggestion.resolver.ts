import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../common/role.enum';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { Context } from '../graphql/context';
import { SuggestSitesArgs } from './site-suggestion.args';
import type { SiteSuggestionService } from './site-suggestion.service';
import { SiteSuggestions } from './site-suggestion.type';

@Resolver()
export class SiteSuggestionResolver {
  constructor(private readonly service: SiteSuggestionService) {}

  @Authorized(Role.PLANNER)
  @Query(() => SiteSuggestions, {
    // Solver time, not rows: priced as a few coverages (the limit on it is timeLimitMs and the request deadline).
    complexity: 500,
    description:
      'Where new service points should go for an item: k sites reaching the most people, the fewest reaching all (or a share), or k with the lowest mean minutes; each a point of the kind the item needs, in the order to open them, with how good the answer is proven to be (OPTIMAL, or the bound and gap). Existing points (and the scenario, if any) are kept.',
  })
  suggestSites(@Args() args: SuggestSitesArgs, @Ctx() { loaders, deadline }: Context<CoverageLoaders>) {
    return this.service.suggest(args, loaders, deadline);
  }
}
