import { Area } from '../area/area.entity';
import { ServiceItem } from '../service-item/service-item.entity';
import { ServicePoint } from '../service-point/service-point.entity';
import { Village } from '../village/village.entity';

export const entities = [Area, Village, ServiceItem, ServicePoint];
