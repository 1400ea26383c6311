// A few lines of an app using the generated types as a front-end developer would: if the types
// were wrong, missing or `any`, `tsc --noEmit --strict` (tsconfig.json) fails on this file.
import type {
  BrowseQuery,
  BrowseQueryVariables,
  MySentRequestsQuery,
  RequestEventsSubscription,
  RequestMentorshipMutation,
  RequestMentorshipMutationVariables,
} from "../__generated__/operations";
import { RequestStatus } from "../__generated__/schema-types";
import type { PageInfo } from "../__generated__/schema-types";

export function mentorNames(data: BrowseQuery): string[] {
  return data.mentors.nodes.map((mentor) => `${mentor.name} (${mentor.tags.join(", ")})`);
}

export function topTags(data: BrowseQuery): string[] {
  return data.mentorFacets.tags.filter((tag) => tag.count > 0).map((tag) => tag.value);
}

export function nextPage(data: BrowseQuery): BrowseQueryVariables | null {
  const page = data.mentors.pageInfo;
  return page.hasNextPage ? { after: page.endCursor } : null;
}

export function canGoBack(page: PageInfo): boolean {
  return page.hasPreviousPage;
}

export function waiting(data: MySentRequestsQuery): string[] {
  // `viewer` is null when signed out: the types make the app say so.
  const requests = data.viewer?.sentRequests?.nodes ?? [];
  return requests
    .filter((r) => r.status === RequestStatus.New || r.status === RequestStatus.Viewed)
    .map((r) => r.mentor.name);
}

export const ask: RequestMentorshipMutationVariables = {
  mentorId: "VXNlcjox",
  message: "Could you help me grow from junior to mid-level backend engineer?",
  background: "Two years of Python, mostly Django; no experience with GraphQL yet.",
  expectation: "A monthly call for half a year and reviews of one side project.",
};

export function refused(data: RequestMentorshipMutation): string[] {
  return data.createMentorshipRequest.userErrors.map((e) => `${e.code}: ${e.message}`);
}

export function shown(event: RequestEventsSubscription): [string, RequestStatus] | null {
  const { request } = event.mentorshipRequestEvents;
  return request ? [request.id, request.status] : null;
}

// Each line below must NOT compile: were a type `any`, the unused @ts-expect-error fails tsc.
// @ts-expect-error: no such status
export const unknownStatus: RequestStatus = "PENDING";
// @ts-expect-error: `title` is not selected in the mutation's `request`
export const unselected = (data: RequestMentorshipMutation) => data.createMentorshipRequest.request?.title;
// @ts-expect-error: `message` is required (String!)
export const missing: RequestMentorshipMutationVariables = { mentorId: "VXNlcjox", background: "", expectation: "" };
// @ts-expect-error: `totalCount` is an Int, not a string
export const countText: string = ({} as BrowseQuery).mentors.totalCount;
