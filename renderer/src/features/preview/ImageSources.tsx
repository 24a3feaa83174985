/** Where each service's image comes from when its tasks start, and the Docker Hub limit where it applies. */
import { Alert, Anchor, Code, Table, Text } from '@mantine/core';
import type { ImagePull } from '../../../../shared/domain/plan';
import { navigate } from '../../app/routes';

const SOURCE_WORDS: Record<ImagePull['source'], string> = {
  built: 'Built from your sources in your account, pushed to the project’s repository',
  'ecr-public-cache': 'Through your account’s ECR cache of ECR Public',
  'docker-hub-cache': 'Through your account’s Docker Hub cache, signed in',
  'docker-hub-anonymous': 'From Docker Hub by each task, anonymously',
  direct: 'From its registry, as written',
};

export function ImageSources({ images, connected }: { images: ImagePull[]; connected: boolean }) {
  if (images.length === 0) return null;
  const anonymous = images.filter((i) => i.source === 'docker-hub-anonymous');
  return (
    <>
      <Table aria-label="Image sources" verticalSpacing={4}>
        <Table.Tbody>
          {images.map((i) => (
            <Table.Tr key={i.service} data-source={i.source}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {i.service}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code>{i.image}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={i.source === 'docker-hub-anonymous' ? 'orange' : undefined}>
                  {SOURCE_WORDS[i.source]}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {anonymous.length > 0 && (
        <Alert color="orange" mt="xs" title="Docker Hub allows 10 anonymous pulls an hour per address">
          <Text size="sm">
            {anonymous.map((i) => i.image).join(', ')} {anonymous.length === 1 ? 'is' : 'are'} pulled by every task that starts. Tasks behind one NAT gateway
            share an address; past the limit a task cannot pull its image and does not start.{' '}
            {connected ? (
              <Anchor component="button" size="sm" onClick={() => navigate('connect')}>
                Add your Docker Hub account
              </Anchor>
            ) : (
              'Connect and add your Docker Hub account'
            )}{' '}
            to pull {anonymous.length === 1 ? 'it' : 'them'} once through your account’s ECR cache instead.
          </Text>
        </Alert>
      )}
    </>
  );
}
