'use client';

import type { ComponentType } from 'react';
import { GanetiStart } from './ganeti/start-form';
import { LibvirtConnectionForm } from './libvirt/connection-form';
import { LibvirtStart } from './libvirt/start-form';
import { OpenStackStart } from './openstack/start-form';
import type { StartFormProps } from './start-form-props';

/**
 * The UI parts engines contribute, by the keys their modules declare
 * (`ui.connectionForm`, `ui.startForm`): the Engines page looks them up here.
 */
export const CONNECTION_FORMS: Record<string, ComponentType> = {
  'libvirt.connection': LibvirtConnectionForm,
};

export const START_FORMS: Record<string, ComponentType<StartFormProps>> = {
  'libvirt.start': LibvirtStart,
  'openstack.start': OpenStackStart,
  'ganeti.start': GanetiStart,
};
