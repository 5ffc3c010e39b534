// Every GraphQL document the page sends, in one place: tests/test_web.py validates each against the schema.
// Each is whole (no interpolation), so what is read here is exactly what goes over the wire.
const gql = (strings) => strings.raw.join("");

export const SEARCH = gql`
  query Search(
    $search: String
    $filter: QuoteFilter
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    quotes(search: $search, filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        cursor
        node {
          id
          text
          snippet
          speaker { id name }
          saidOn { iso }
          interview { id title place outlet { name } }
          firstAppearance { id relation source { id title outlet { name } publishedOn { iso } } }
          primarySource { id title contentHash outlet { name } publishedOn { iso } }
          appearances(first: 20) { totalCount edges { node { relation } } }
          factChecks { id verdict status }
        }
      }
    }
  }
`;

export const OUTLETS = gql`
  query Outlets {
    outlets(first: 100, orderBy: { field: NAME }) { edges { node { id name } } }
  }
`;

export const SPEAKER_NAMES = gql`
  query SpeakerNames($name: String!) {
    resolveSpeaker(name: $name) { speaker { id name } score reason }
    speakers(filter: { name: $name }, first: 8, orderBy: { field: NAME }) {
      edges { node { id name aliases { name } } }
    }
  }
`;

export const QUOTE = gql`
  query QuotePage($id: ID!) {
    node(id: $id) {
      __typename
      ... on Quote {
        id
        text
        language
        note
        saidOn { iso }
        speaker { id name description }
        topics { name }
        interview {
          id
          kind
          title
          place
          medium
          heldOn { iso }
          outlet { name }
          participants { role titleAsWritten speaker { name } }
        }
        primarySource { id title url contentHash }
        firstAppearance { id }
        factChecks {
          id
          verdict
          status
          summary
          reviewer
          publisher
          url
          reviewedOn { iso }
          retractionReason
          rating { alternateName }
        }
        appearances(first: 100) {
          totalCount
          edges {
            node {
              id
              relation
              textAsPublished
              attributionAsWritten
              citedAs
              checkVerdict
              checkExplanation
              source {
                id
                kind
                title
                url
                isPrimary
                publishedOn { iso }
                outlet { name }
              }
              chain {
                __typename
                ... on Appearance {
                  id
                  relation
                  source { id kind title isPrimary publishedOn { iso } outlet { name } }
                }
                ... on Source {
                  id
                  kind
                  title
                  url
                  isPrimary
                  contentHash
                  publishedOn { iso }
                  outlet { name }
                  interview { title place heldOn { iso } outlet { name } }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const ROLES_ON = gql`
  query RolesOn($id: ID!, $date: String!) {
    speaker(id: $id) { id rolesOn(date: $date) { title organization from { iso } to { iso } } }
  }
`;

export const CHECK = gql`
  query Check($input: CheckQuoteInput!) {
    checkQuote(input: $input) {
      verdict
      confidence
      explanation
      speaker { id name }
      matches {
        source {
          id
          kind
          title
          url
          isPrimary
          publishedOn { iso }
          outlet { name }
          interview { title place heldOn { iso } }
        }
        turn { label speaker { name } }
        speaker { id name }
        passage
        start
        end
        score
        primary
        differences { kind claimed original note }
      }
    }
  }
`;

export const RECORDED_QUOTE = gql`
  query RecordedQuote($filter: QuoteFilter!) {
    quotes(filter: $filter, first: 5) { edges { node { id text speaker { name } } } }
  }
`;

export const WHO_AM_I = gql`
  query WhoAmI {
    auditEvents(last: 1) { totalCount }
  }
`;

export const CREATE_FACT_CHECK = gql`
  mutation CreateFactCheck($input: CreateFactCheckInput!) {
    createFactCheck(input: $input) {
      factCheck { id version status }
      userErrors { field message code }
    }
  }
`;

export const PUBLISH_FACT_CHECK = gql`
  mutation PublishFactCheck($input: PublishFactCheckInput!) {
    publishFactCheck(input: $input) {
      factCheck { id version status verdict claimReviewed publishedAt quote { id } }
      userErrors { field message code }
    }
  }
`;
